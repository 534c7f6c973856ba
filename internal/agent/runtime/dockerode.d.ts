// The subset of dockerode (and docker-modem) skiff calls, typed from the Docker Engine API
// (v1.41 field names). dockerode ships no types of its own; keeping this narrow makes every
// use of the daemon's JSON visible here.
declare module 'dockerode' {
  import type { Duplex, Readable, Writable } from 'node:stream';

  namespace Docker {
    interface DockerOptions {
      socketPath?: string;
      timeout?: number;
    }
    interface Signalled {
      abortSignal?: AbortSignal;
    }
    interface ContainerSummary {
      Id: string;
      Names: string[];
      Image: string;
      Labels: Record<string, string> | null;
      State: string;
      Created: number;
    }
    interface ContainerInspect {
      Id: string;
      Name: string;
      Image: string;
      Created: string;
      RestartCount: number;
      State: {
        Status: string;
        Running: boolean;
        OOMKilled: boolean;
        ExitCode: number;
        Error: string;
        StartedAt: string;
        FinishedAt: string;
        Pid: number;
      };
      Config: {
        Image: string;
        Labels: Record<string, string> | null;
        Tty: boolean;
        Env: string[] | null;
        Cmd: string[] | null;
        Entrypoint: string[] | null;
        WorkingDir: string;
        User: string;
        Hostname: string;
      };
      HostConfig: {
        Memory: number;
        NanoCpus: number;
        Privileged: boolean;
        ReadonlyRootfs: boolean;
        NetworkMode: string;
        Binds: string[] | null;
        CapAdd: string[] | null;
        CapDrop: string[] | null;
      };
      NetworkSettings: {
        Networks: Record<string, { IPAddress: string; NetworkID: string }> | null;
      };
    }
    interface ContainerStats {
      read: string;
      cpu_stats?: { cpu_usage?: { total_usage?: number } };
      memory_stats?: { usage?: number; stats?: Record<string, number> };
    }
    interface ExecInspect {
      Running: boolean;
      ExitCode: number | null;
    }
    interface ImageSummary {
      Id: string;
      RepoTags: string[] | null;
      Size: number;
    }
    interface NetworkInspect {
      Id: string;
      Name: string;
      Driver: string;
      IPAM: { Config: Array<{ Subnet?: string; Gateway?: string }> | null };
      Labels: Record<string, string> | null;
      /** Attached endpoints by container id (filled by inspect, not by list). */
      Containers?: Record<string, unknown> | null;
    }
    /** One line of GET /events (API 1.22+ field names). */
    interface EngineEvent {
      Type?: string;
      Action?: string;
      Actor?: { ID?: string; Attributes?: Record<string, string> };
      time?: number;
    }
    /** Body of POST /containers/create; the rest of the API's fields are passed through as is. */
    type ContainerCreateOptions = { name?: string } & Record<string, unknown>;

    class Container {
      id: string;
      inspect(opts?: Signalled): Promise<ContainerInspect>;
      start(opts?: Signalled): Promise<unknown>;
      stop(opts?: { t?: number } & Signalled): Promise<unknown>;
      kill(opts?: { signal?: string } & Signalled): Promise<unknown>;
      remove(opts?: { force?: boolean; v?: boolean } & Signalled): Promise<unknown>;
      exec(opts: Record<string, unknown>): Promise<Exec>;
      attach(opts: { stream: true; stdin: boolean; stdout: boolean; stderr: boolean; hijack: boolean } & Signalled): Promise<Duplex>;
      wait(opts?: Signalled): Promise<{ StatusCode: number }>;
      stats(opts: { stream: false; 'one-shot'?: boolean } & Signalled): Promise<ContainerStats>;
      resize(opts: { h: number; w: number }): Promise<unknown>;
      logs(opts: Record<string, unknown> & { follow: true }): Promise<Readable>;
      logs(opts: Record<string, unknown> & { follow?: false }): Promise<Buffer>;
    }
    class Exec {
      id: string;
      start(opts: { hijack: boolean; stdin: boolean; Tty: boolean } & Signalled): Promise<Duplex>;
      resize(opts: { h: number; w: number }): Promise<unknown>;
      inspect(opts?: Signalled): Promise<ExecInspect>;
    }
    class Image {
      inspect(opts?: Signalled): Promise<{ Id: string; RepoTags: string[] | null }>;
      remove(opts?: { force?: boolean }): Promise<unknown>;
    }
    class Network {
      id: string;
      inspect(opts?: Signalled): Promise<NetworkInspect>;
      remove(opts?: Signalled): Promise<unknown>;
    }
    interface Modem {
      demuxStream(stream: Readable, stdout: Writable, stderr: Writable): void;
    }
  }

  class Docker {
    constructor(opts?: Docker.DockerOptions);
    modem: Docker.Modem;
    ping(opts?: Docker.Signalled): Promise<unknown>;
    version(opts?: Docker.Signalled): Promise<{ Version: string; ApiVersion: string }>;
    getContainer(id: string): Docker.Container;
    getImage(ref: string): Docker.Image;
    getNetwork(id: string): Docker.Network;
    createContainer(opts: Docker.ContainerCreateOptions): Promise<Docker.Container>;
    listContainers(opts?: { all?: boolean; filters?: string } & Docker.Signalled): Promise<Docker.ContainerSummary[]>;
    /** GET /events: newline-delimited JSON objects (EngineEvent) until the request is aborted. */
    getEvents(opts?: { since?: number; filters?: string } & Docker.Signalled): Promise<Readable>;
    listImages(opts?: Docker.Signalled): Promise<Docker.ImageSummary[]>;
    listNetworks(opts?: { filters?: string }): Promise<Docker.NetworkInspect[]>;
    createNetwork(opts: Record<string, unknown>): Promise<Docker.Network>;
    createImage(
      auth: Record<string, string> | undefined,
      opts: { fromImage: string; tag?: string } & Docker.Signalled,
    ): Promise<Readable>;
    importImage(
      file: Readable | Buffer | string,
      opts: { repo?: string; tag?: string; changes?: string[] } & Docker.Signalled,
    ): Promise<Readable>;
    loadImage(file: Readable | string, opts?: { quiet?: boolean } & Docker.Signalled): Promise<Readable>;
  }

  export = Docker;
}
