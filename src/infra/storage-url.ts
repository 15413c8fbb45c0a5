/**
 * STORAGE_URL's S3 form, `s3://bucket/prefix`, and the settings an S3 client takes. Kept apart from
 * infra/s3-storage.ts so that reading the configuration does not load the AWS SDK.
 */
export interface S3Location {
  bucket: string;
  /** Key prefix inside the bucket, without slashes at either end ('' for none). */
  prefix: string;
}

export interface S3Settings extends S3Location {
  /** AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL: an S3-compatible store; null for AWS itself. */
  endpoint: string | null;
  /** AWS_REGION (or AWS_DEFAULT_REGION); null leaves it to the SDK (us-east-1 with an endpoint). */
  region: string | null;
  /** AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN); null: the SDK's default chain. */
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | null;
}

/** Bucket names as S3 allows them (3-63 of lower-case letters, digits, dots and hyphens). */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** `s3://bucket/prefix` into its parts; null when it is not such a URL. */
export function parseS3Url(url: string): S3Location | null {
  const m = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(url);
  if (!m?.[1] || !BUCKET.test(m[1])) return null;
  const prefix = (m[2] ?? '').replace(/\/$/, '');
  if (prefix.startsWith('/') || prefix.includes('//')) return null;
  if (!/^[A-Za-z0-9!_.*'()/-]*$/.test(prefix)) return null;
  return { bucket: m[1], prefix };
}
