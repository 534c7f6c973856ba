export { decodeMessages, encodeFrame, encodeMessages, joinFrames, MessageCodecError } from './codec.ts';
export { PeerRequestError } from './peer-request.ts';
export { PeerTransport, type PeerTransportOptions } from './peer-transport.ts';
export {
  DEFAULT_MAX_BATCH_BYTES,
  MESSAGES_PATH,
  SNAPSHOT_MESSAGE_HEADER,
  SNAPSHOT_PATH,
  type PeerTls,
} from './protocol.ts';
