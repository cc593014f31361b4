import type { Chunk, EndKind, StageOutput, ToxicStage } from './toxic.ts';

interface Slot {
  toxic: string;
  /** Absent when the toxic's toxicity roll spared this connection, or it only acts the other way. */
  stage?: ToxicStage;
  output: StageOutput;
}

/**
 * One direction of one connection: the toxics' stages in the order the toxics were added,
 * ending in the sink (the socket the bytes are for). Stages can be spliced in and out while
 * bytes flow; each stage's output is looked up when it is used, so it always reaches whatever
 * follows it now.
 */
export class Pipeline {
  private readonly slots: Slot[] = [];
  private ended = false;

  /** `moved` runs after a stage hands bytes on: what the direction holds may have shrunk. */
  constructor(
    private readonly sink: StageOutput,
    private readonly moved: () => void,
  ) {}

  /** Bytes read from the source socket enter here. */
  write(chunk: Chunk): void {
    this.next(-1).data(chunk);
  }

  /** The source socket ended. */
  end(kind: EndKind): void {
    this.forwardEnd(-1, kind);
  }

  /** Adds an empty slot for `toxic` at the end and returns the output a stage there uses. */
  add(toxic: string): StageOutput {
    const slot: Slot = {
      toxic,
      output: {
        data: (chunk) => this.forward(slot, chunk),
        end: (kind) => {
          const at = this.slots.indexOf(slot);
          if (at >= 0) this.forwardEnd(at, kind);
        },
      },
    };
    this.slots.push(slot);
    return slot.output;
  }

  output(toxic: string): StageOutput | undefined {
    return this.find(toxic)?.output;
  }

  /** Puts `stage` in the slot of `toxic`; the previous stage must have been detached. */
  set(toxic: string, stage: ToxicStage | undefined): void {
    const slot = this.find(toxic);
    if (slot) slot.stage = stage;
  }

  /** The stage of `toxic` hands on what it holds and leaves; the slot stays. */
  detach(toxic: string, why: 'removed' | 'replaced'): void {
    const slot = this.find(toxic);
    const stage = slot?.stage;
    if (!slot || !stage) return;
    stage.detach(why);
    slot.stage = undefined;
  }

  remove(toxic: string): void {
    const slot = this.find(toxic);
    if (slot) this.slots.splice(this.slots.indexOf(slot), 1);
  }

  /** Bytes the stages hold now (waiting in a latency, bandwidth or slicer queue). */
  buffered(): number {
    let bytes = 0;
    for (const slot of this.slots) bytes += slot.stage?.buffered?.() ?? 0;
    return bytes;
  }

  dispose(): void {
    for (const slot of this.slots) slot.stage?.dispose();
    this.slots.length = 0;
  }

  private find(toxic: string): Slot | undefined {
    return this.slots.find((s) => s.toxic === toxic);
  }

  private next(from: number): StageOutput {
    for (let i = from + 1; i < this.slots.length; i++) {
      const stage = this.slots[i]!.stage;
      if (stage) return stage;
    }
    return this.sink;
  }

  private forward(slot: Slot, chunk: Chunk): void {
    const at = this.slots.indexOf(slot);
    if (at >= 0) this.next(at).data(chunk); // a slot already removed has nowhere to send
    this.moved();
  }

  private forwardEnd(from: number, kind: EndKind): void {
    const next = this.next(from);
    if (next === this.sink) {
      if (this.ended) return;
      this.ended = true;
    }
    next.end(kind);
  }
}
