/** Registers the gallery's subjects (the reference 'tcp' and 'ws' register in scenario/subjects.ts). */
import './rws.ts';
import './socketio.ts';
import './seed-raw.ts';
import './seed-cocoa.ts';
import './seed-rocket.ts';
import './seed-mqttkit.ts';
import './xmpp.ts';
import './seed-xmppframework.ts';
