/* netinfo.h — the addressing lessons of the course as commands: `ipinfo` (an IPv4 address
 * in binary, its class and kind, network and host parts), `resolve` (getaddrinfo) and
 * `port` (service name, privileged or not, in use here or not). */
#ifndef SP_NETINFO_H
#define SP_NETINFO_H
/* Each prints its answer, or the mistake; 0 or -1. mask may be NULL. */
int netinfo_ip(const char *addr, const char *mask);
int netinfo_resolve(const char *name);
int netinfo_port(const char *port);
#endif
