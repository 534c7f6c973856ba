/**
 * The apimachinery types whose protobuf message differs from their JSON form:
 * Quantity, IntOrString, Time, MicroTime and the raw-JSON carriers
 * (RawExtension, FieldsV1).
 */
import type { Json } from '../objects.ts';
import {
  eachField,
  expectWire,
  lengthDelimited,
  malformed,
  type Reader,
  readBytes,
  readInt64,
  readString,
  WIRE_LEN,
  WIRE_VARINT,
} from './wire.ts';

/** Quantity: message { string string = 1 }. Empty means the field was zero, so it is left out. */
export function readQuantity(reader: Reader, limit: number): string | undefined {
  const stop = lengthDelimited(reader, limit);
  let text = '';
  eachField(reader, stop, (field, wire) => {
    if (field !== 1) return false;
    expectWire('Quantity.string', wire, WIRE_LEN);
    text = readString(reader, stop);
    return true;
  });
  return text === '' ? undefined : text;
}

/** IntOrString: message { int64 type = 1; int32 intVal = 2; string strVal = 3 } → number or string. */
export function readIntOrString(reader: Reader, limit: number): number | string {
  const stop = lengthDelimited(reader, limit);
  let type = 0;
  let intVal = 0;
  let strVal = '';
  eachField(reader, stop, (field, wire) => {
    if (field === 1) {
      expectWire('IntOrString.type', wire, WIRE_VARINT);
      type = readInt64(reader);
    } else if (field === 2) {
      expectWire('IntOrString.intVal', wire, WIRE_VARINT);
      intVal = reader.int32();
    } else if (field === 3) {
      expectWire('IntOrString.strVal', wire, WIRE_LEN);
      strVal = readString(reader, stop);
    } else {
      return false;
    }
    return true;
  });
  if (type === 0) return intVal;
  if (type === 1) return strVal;
  throw malformed(`IntOrString type ${type} is neither 0 (int) nor 1 (string)`);
}

/** Go's time.Time range that RFC 3339 can express: years 0001 to 9999. */
const minSeconds = -62135596800;
const maxSeconds = 253402300799;

/**
 * Time and MicroTime: message { int64 seconds = 1; int32 nanos = 2 } → RFC 3339
 * in UTC, to the second or the microsecond. The zero time is left out.
 */
export function readTimestamp(reader: Reader, limit: number, micro: boolean): string | undefined {
  const stop = lengthDelimited(reader, limit);
  let seconds = 0;
  let nanos = 0;
  eachField(reader, stop, (field, wire) => {
    if (field === 1) {
      expectWire('Time.seconds', wire, WIRE_VARINT);
      seconds = readInt64(reader);
    } else if (field === 2) {
      expectWire('Time.nanos', wire, WIRE_VARINT);
      nanos = reader.int32();
    } else {
      return false;
    }
    return true;
  });
  if (seconds === 0 && nanos === 0) return undefined;
  if (seconds < minSeconds || seconds > maxSeconds) throw malformed(`time of ${seconds} seconds is outside years 1 to 9999`);
  if (nanos < 0 || nanos > 999_999_999) throw malformed(`time nanos ${nanos} is outside 0 to 999999999`);
  const whole = new Date(seconds * 1000).toISOString().slice(0, 19);
  return micro ? `${whole}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z` : `${whole}Z`;
}

/**
 * RawExtension, FieldsV1 and other free-form values: message { bytes raw = 1 }
 * holding JSON, or a nested protobuf object when it starts with the k8s magic.
 * Empty means absent.
 */
export function readRaw(reader: Reader, limit: number, nested: (bytes: Uint8Array) => Json): Json | undefined {
  const stop = lengthDelimited(reader, limit);
  let raw: Uint8Array | undefined;
  eachField(reader, stop, (field, wire) => {
    if (field !== 1) return false;
    expectWire('RawExtension.raw', wire, WIRE_LEN);
    raw = readBytes(reader, stop);
    return true;
  });
  if (raw === undefined || raw.length === 0) return undefined;
  if (raw[0] === 0x6b && raw[1] === 0x38 && raw[2] === 0x73 && raw[3] === 0) return nested(raw);
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw)) as Json;
  } catch (error) {
    throw malformed(`embedded raw value is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}
