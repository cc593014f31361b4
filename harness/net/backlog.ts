/**
 * The listen backlog of the proxies and the reference servers. Go's net.Listen asks for the
 * kernel's somaxconn (src/net/sock_linux.go maxListenerBacklog), 4096 on Linux since 5.4
 * (include/linux/socket.h SOMAXCONN); node asks for 511, so 1,000 clients connecting at once
 * overflow the accept queue and some wait out a 1 s SYN retry. The kernel clamps it to
 * net.core.somaxconn.
 */
export const LISTEN_BACKLOG = 4096;
