// Loads titan_bus.proto at run time (no generated code) and types its messages as proto-loader hands them over.
import { join } from 'node:path';
import { type GrpcObject, loadPackageDefinition, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync, type Options } from '@grpc/proto-loader';
import { assetDir } from '../../daemon/assets.ts';

/** snake_case field names as in the proto, unset strings as "", and `kind` naming the oneof member that is set. */
export const LOADER_OPTIONS: Options = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

export interface PublishRequest {
  topic: string;
  event_type: string;
  payload_json: string;
  priority: string;
  trace_id: string;
}

export interface PublishReply {
  event_id: string;
}

export interface SubscribeRequest {
  topic: string;
  group: string;
  start: string;
  max_unacked: number;
}

export interface AckRequest {
  event_id: string;
}

export interface SubscribeMessage {
  kind?: 'subscribe' | 'ack';
  subscribe?: SubscribeRequest | null;
  ack?: AckRequest | null;
}

export interface Delivery {
  event_id: string;
  topic: string;
  event_type: string;
  event_json: string;
  deliveries: number;
}

/** The generated client class of titan.bus.v1.Bus; its `.service` is what a server adds. */
export function loadBusService(): ServiceClientConstructor {
  const root = loadPackageDefinition(loadSync(join(assetDir('proto'), 'titan_bus.proto'), LOADER_OPTIONS));
  const v1 = ((root.titan as GrpcObject).bus as GrpcObject).v1 as GrpcObject;
  return v1.Bus as ServiceClientConstructor;
}
