export { runClusterDns, type ClusterDnsOptions } from './cluster-dns.ts';
export { StoreRecords, type ClusterRecordSource, type RecordStores } from './cluster-records.ts';
export { Forwarder, ForwardError, type ForwarderOptions } from './forwarder.ts';
export { handleQuery, type QueryHandlerOptions } from './handler.ts';
export { listenDns, type DnsListener } from './listener.ts';
export type { PodRecordMode } from './lookup.ts';
export { chooseUpstreams, ResolvConfUpstreams, type Upstream } from './resolv-conf.ts';
export { ResponseCache } from './response-cache.ts';
export { ClusterResolver, type Resolution, type ResolverOptions } from './resolver.ts';
