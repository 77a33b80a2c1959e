// Secret references: workloads read secrets from Secrets that exist in the cluster, never from values in YAML.
/** One key of an existing Secret. */
export interface SecretKeyRef {
  /** The Secret's name (created outside the kit, e.g. by External Secrets Operator or sealed-secrets). */
  readonly secretName: string;
  /** The key within the Secret. */
  readonly key: string;
}

/** An existing Secret mounted as files. */
export interface SecretFileMount {
  /** The Secret's name. */
  readonly secretName: string;
  /** The directory the keys appear in. */
  readonly mountPath: string;
  /**
   * Only these keys, each as a file of its name.
   * @default - every key of the Secret
   */
  readonly keys?: readonly string[];
}
