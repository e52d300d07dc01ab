/**
 * Options of rampart's S3 client and how they become an S3Client configuration: explicit
 * options first, then the usual AWS environment variables, then the SDK's own defaults.
 */
import type { S3ClientConfig } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { CountingAgents } from './pool.js';

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface S3HelperOptions {
  /** e.g. http://127.0.0.1:9000 (MinIO, s3rver, LocalStack); default AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL */
  endpoint?: string;
  /** default AWS_REGION, AWS_DEFAULT_REGION, then us-east-1 */
  region?: string;
  /** default AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, then the SDK's provider chain */
  credentials?: S3Credentials;
  /** default: true when an endpoint is set (local S3-compatible servers need it) */
  forcePathStyle?: boolean;
  /** sockets per origin: the run's peak concurrency, so the pool never becomes the bottleneck */
  maxSockets: number;
  /** deadline of one operation, retries included; default 60 s */
  timeoutMs?: number;
  /** attempts per operation (the SDK's retry); default 3 */
  maxAttempts?: number;
}

export const DEFAULT_S3_TIMEOUT_MS = 60_000;
export const DEFAULT_S3_REGION = 'us-east-1';

/** What a scenario's S3 options resolve to, before any client exists. */
export interface ResolvedS3Options {
  endpoint?: string;
  region: string;
  credentials?: S3Credentials;
  forcePathStyle: boolean;
  timeoutMs: number;
  maxAttempts?: number;
}

export function resolveS3Options(options: Omit<S3HelperOptions, 'maxSockets'>, env: NodeJS.ProcessEnv = process.env): ResolvedS3Options {
  const endpoint = nonEmpty(options.endpoint) ?? nonEmpty(env.AWS_ENDPOINT_URL_S3) ?? nonEmpty(env.AWS_ENDPOINT_URL);
  const region = nonEmpty(options.region) ?? nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION) ?? DEFAULT_S3_REGION;
  let credentials = options.credentials;
  const keyId = nonEmpty(env.AWS_ACCESS_KEY_ID);
  const secret = nonEmpty(env.AWS_SECRET_ACCESS_KEY);
  if (!credentials && keyId && secret) {
    credentials = { accessKeyId: keyId, secretAccessKey: secret, sessionToken: nonEmpty(env.AWS_SESSION_TOKEN) };
  }
  return {
    endpoint,
    region,
    credentials,
    forcePathStyle: options.forcePathStyle ?? endpoint !== undefined,
    timeoutMs: options.timeoutMs ?? DEFAULT_S3_TIMEOUT_MS,
    maxAttempts: options.maxAttempts,
  };
}

/** The S3Client configuration: our pool, no aws-chunked uploads (s3rver stores the framing), quiet SDK. */
export function s3ClientConfig(resolved: ResolvedS3Options, agents: CountingAgents, logger: S3ClientConfig['logger']): S3ClientConfig {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return {
    endpoint: resolved.endpoint,
    region: resolved.region,
    credentials: resolved.credentials,
    forcePathStyle: resolved.forcePathStyle,
    maxAttempts: resolved.maxAttempts,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    logger,
    requestHandler: new NodeHttpHandler({
      httpAgent: agents.httpAgent,
      httpsAgent: agents.httpsAgent,
      requestTimeout: resolved.timeoutMs,
      throwOnRequestTimeout: true,
    }),
  };
}

/** Every credential string, so messages can be scrubbed of them. */
export function secretsOf(resolved: ResolvedS3Options): string[] {
  const c = resolved.credentials;
  return c ? [c.secretAccessKey, c.sessionToken, c.accessKeyId].filter((s): s is string => !!s && s.length >= 4) : [];
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s.trim() === '' ? undefined : s.trim();
}
