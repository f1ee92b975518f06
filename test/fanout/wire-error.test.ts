import { describe, expect, it } from 'vitest';
import { DriverError, fromWire, GangflashError, ImageFormatError, toWire } from '../../src/errors.js';

/** What a worker's error looks like after a MessagePort (a structured clone of the wire form). */
const crossed = (e: unknown) => fromWire(structuredClone(toWire(e)));

describe('errors crossing a worker thread', () => {
  it('one of our errors comes back as the same class with its code, place and message', () => {
    const e = crossed(new ImageFormatError('bad-checksum', 'line 7: checksum 0x12, expected 0x34', { file: 'a.hex', line: 7 }));
    expect(e).toBeInstanceOf(ImageFormatError);
    expect(e).toMatchObject({ code: 'bad-checksum', message: 'line 7: checksum 0x12, expected 0x34', file: 'a.hex', line: 7 });
    expect(e.describe()).toBe('a.hex:7: line 7: checksum 0x12, expected 0x34');
  });

  it('a cause travels with the error and is rebuilt too', () => {
    const cause = new DriverError('usb-stall', 'endpoint 0x81 stalled');
    const e = crossed(Object.assign(new DriverError('link-lost', 'the programmer stopped answering'), { cause }));
    expect(e.cause).toBeInstanceOf(DriverError);
    expect(e.cause).toMatchObject({ code: 'usb-stall', message: 'endpoint 0x81 stalled' });
  });

  it('an error that is not ours (a library TypeError, a thrown string) becomes a DriverError with code worker-error and its message', () => {
    const t = crossed(new TypeError('x is not a function'));
    expect(t).toBeInstanceOf(DriverError);
    expect(t).toMatchObject({ code: 'worker-error', message: 'x is not a function' });
    expect(crossed('boom')).toMatchObject({ code: 'worker-error', message: 'boom' });
  });

  it('a plain error that carries a code (a Node system error) keeps it', () => {
    const e = crossed(Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' }));
    expect(e).toMatchObject({ code: 'ENOENT', message: 'ENOENT: no such file' });
  });
});

describe('every error class of errors.ts crosses a thread as itself', () => {
  it('each GangflashError subclass is rebuilt as the same class (a new class must be added to the wire table)', async () => {
    const all = await import('../../src/errors.js');
    const classes = (Object.values(all) as unknown[]).filter((v): v is typeof GangflashError => typeof v === 'function' && v.prototype instanceof GangflashError);
    expect(classes.length).toBeGreaterThan(10);
    for (const C of classes) expect(crossed(new C('some-code', 'some message'))).toBeInstanceOf(C);
  });
});
