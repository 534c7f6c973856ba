export { EXEC_PROTOCOLS, exitStatus, parseExecOptions, serveExecWebSocket, type ExecOptions, type ExecSession, type OpenExecSession } from './exec.ts';
export { PORT_FORWARD_PROTOCOL, PORT_FORWARD_WEBSOCKET_PROTOCOL, servePortForward, type DialPort } from './port-forward.ts';
export { rejectUpgrade } from './reject.ts';
export { createUpgradeHandler, podStreamRoute, type PodSubresource, type PodTarget, type UpgradeBackends, type UpgradeListener } from './upgrade.ts';
