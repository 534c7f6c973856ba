/**
 * What both ends of the peer port agree on: the paths, the header that carries a streamed
 * snapshot's message, and the credentials each member holds.
 */

/** POST: body is a batch from encodeMessages; answered 204 once handed to the receiver. */
export const MESSAGES_PATH = '/raft/v1/messages';

/** POST: body is the snapshot data, streamed; SNAPSHOT_MESSAGE_HEADER carries the `snap` message. */
export const SNAPSHOT_PATH = '/raft/v1/snapshot';

/** base64 of encodeMessages([snap message]): a header, so the body can be the data alone. */
export const SNAPSHOT_MESSAGE_HEADER = 'x-skiff-raft-message';

/** Default largest message batch body; a batch is cut to fit it on the sending side. */
export const DEFAULT_MAX_BATCH_BYTES = 64 * 1024 * 1024;

/** A member's peer credentials, PEM: the cluster CA and its own issuePeerCertificate pair. */
export interface PeerTls {
  caPem: string;
  certPem: string;
  keyPem: string;
}
