/** Log level of the linkerd-cni plugin (it knows these three; anything else means warn). */
export enum CniLogLevel {
  DEBUG = 'debug',
  INFO = 'info',
  WARN = 'warn',
}

/** Which iptables the CNI plugin runs to set up redirection. */
export enum CniIptablesMode {
  /** `iptables-nft`. */
  NFT = 'nft',
  /** `iptables-legacy`. */
  LEGACY = 'legacy',
  /** Plain `iptables`, for distributions (RHEL) whose `iptables` is already nftables-based. */
  PLAIN = 'plain',
}
