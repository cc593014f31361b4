/**
 * The part of xmpp.js (@xmpp/xml, @xmpp/client; they ship no types) that flatline uses.
 * Elements are ltx elements: a name, attributes, children that are elements or text.
 */
declare module '@xmpp/xml' {
  import { EventEmitter } from 'node:events';

  export class Element {
    constructor(name: string, attrs?: Record<string, string | number | undefined>);
    name: string;
    attrs: Record<string, string>;
    children: (Element | string)[];
    parent: Element | null;
    is(name: string, xmlns?: string): boolean;
    getChild(name: string, xmlns?: string): Element | undefined;
    getChildren(name: string, xmlns?: string): Element[];
    getChildText(name: string, xmlns?: string): string | null;
    getChildElements(): Element[];
    getText(): string;
    text(): string;
    append(...children: (Element | string)[]): Element;
    toString(): string;
  }

  /** Emits 'start' (the stream's root), 'element' (each top-level child), 'end' and 'error'. */
  export class Parser extends EventEmitter {
    write(data: string): void;
  }

  export function escapeXML(text: string): string;
  export function xml(name: string, attrs?: Record<string, string | number | undefined> | null, ...children: (Element | string)[]): Element;
  export default xml;
}

declare module '@xmpp/client' {
  import type { EventEmitter } from 'node:events';
  import type net from 'node:net';
  import type { Element } from '@xmpp/xml';

  export interface XmppClientOptions {
    service: string;
    domain?: string;
    username?: string;
    password?: string;
    resource?: string;
  }

  export interface StreamManagement extends EventEmitter {
    enabled: boolean;
    id: string;
    timeout: number;
    requestAckInterval: number;
    outbound_q: { stanza: Element }[];
  }

  export interface Reconnect extends EventEmitter {
    delay: number;
    stop(): void;
  }

  export interface Transport {
    prototype: { Socket: typeof net.Socket };
  }

  export interface XmppClient extends EventEmitter {
    status: string;
    timeout: number;
    socket: net.Socket | null;
    reconnect: Reconnect;
    streamManagement: StreamManagement;
    transports: Transport[];
    start(): Promise<unknown>;
    connect(service: string): Promise<unknown>;
    open(options: { domain: string; lang?: string }): Promise<unknown>;
    stop(): Promise<unknown>;
    send(element: Element): Promise<void>;
  }

  export function client(options: XmppClientOptions): XmppClient;
  export { xml } from '@xmpp/xml';
}
