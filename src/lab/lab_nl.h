/* lab_nl.h — libnl-route-3 (the kernel's routing netlink: links, veth pairs, addresses,
 * routes), loaded when a lab is built (dlopen of Debian's libnl-3-200 and libnl-route-3-200),
 * not linked at start, as wire/wire_pcap.h does for libpcap: a session that is not a lab
 * pays nothing. lab_net.c includes this instead of the libnl headers' functions and calls
 * them as usual: the names below point into the table lab_nl_load fills. */
#ifndef SP_LAB_NL_H
#define SP_LAB_NL_H
#include <stddef.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>

#define LAB_NL_CORE(X) \
    X(nl_socket_alloc) X(nl_socket_free) X(nl_connect) X(nl_geterror) X(nl_addr_parse) X(nl_addr_build) X(nl_addr_put)
#define LAB_NL_ROUTE(X) \
    X(rtnl_link_veth_alloc) X(rtnl_link_veth_get_peer) X(rtnl_link_veth_release) X(rtnl_link_set_name) \
    X(rtnl_link_set_ns_fd) X(rtnl_link_set_addr) X(rtnl_link_add) X(rtnl_link_put) X(rtnl_link_get_kernel) \
    X(rtnl_link_get_ifindex) X(rtnl_link_alloc) X(rtnl_link_set_flags) X(rtnl_link_change) \
    X(rtnl_addr_alloc) X(rtnl_addr_set_ifindex) X(rtnl_addr_set_local) X(rtnl_addr_add) X(rtnl_addr_put) \
    X(rtnl_route_alloc) X(rtnl_route_set_family) X(rtnl_route_set_dst) X(rtnl_route_nh_alloc) X(rtnl_route_nh_free) \
    X(rtnl_route_nh_set_gateway) X(rtnl_route_add_nexthop) X(rtnl_route_add) X(rtnl_route_put) \
    X(rtnl_link_bridge_add) X(rtnl_link_enslave)

#define LAB_NL_MEMBER(f) __typeof__(f) *f##_p;
typedef struct { LAB_NL_CORE(LAB_NL_MEMBER) LAB_NL_ROUTE(LAB_NL_MEMBER) } lab_nl_api;
extern lab_nl_api lab_nl;

/* Loads libnl once: 0, or -1 with why in err (not installed: the package to install). */
int lab_nl_load(char *err, size_t n);

#ifndef LAB_NL_SELF
#define nl_socket_alloc (lab_nl.nl_socket_alloc_p)
#define nl_socket_free (lab_nl.nl_socket_free_p)
#define nl_connect (lab_nl.nl_connect_p)
#define nl_geterror (lab_nl.nl_geterror_p)
#define nl_addr_parse (lab_nl.nl_addr_parse_p)
#define nl_addr_build (lab_nl.nl_addr_build_p)
#define nl_addr_put (lab_nl.nl_addr_put_p)
#define rtnl_link_veth_alloc (lab_nl.rtnl_link_veth_alloc_p)
#define rtnl_link_veth_get_peer (lab_nl.rtnl_link_veth_get_peer_p)
#define rtnl_link_veth_release (lab_nl.rtnl_link_veth_release_p)
#define rtnl_link_set_name (lab_nl.rtnl_link_set_name_p)
#define rtnl_link_set_ns_fd (lab_nl.rtnl_link_set_ns_fd_p)
#define rtnl_link_set_addr (lab_nl.rtnl_link_set_addr_p)
#define rtnl_link_add (lab_nl.rtnl_link_add_p)
#define rtnl_link_put (lab_nl.rtnl_link_put_p)
#define rtnl_link_get_kernel (lab_nl.rtnl_link_get_kernel_p)
#define rtnl_link_get_ifindex (lab_nl.rtnl_link_get_ifindex_p)
#define rtnl_link_alloc (lab_nl.rtnl_link_alloc_p)
#define rtnl_link_set_flags (lab_nl.rtnl_link_set_flags_p)
#define rtnl_link_change (lab_nl.rtnl_link_change_p)
#define rtnl_addr_alloc (lab_nl.rtnl_addr_alloc_p)
#define rtnl_addr_set_ifindex (lab_nl.rtnl_addr_set_ifindex_p)
#define rtnl_addr_set_local (lab_nl.rtnl_addr_set_local_p)
#define rtnl_addr_add (lab_nl.rtnl_addr_add_p)
#define rtnl_addr_put (lab_nl.rtnl_addr_put_p)
#define rtnl_route_alloc (lab_nl.rtnl_route_alloc_p)
#define rtnl_route_set_family (lab_nl.rtnl_route_set_family_p)
#define rtnl_route_set_dst (lab_nl.rtnl_route_set_dst_p)
#define rtnl_route_nh_alloc (lab_nl.rtnl_route_nh_alloc_p)
#define rtnl_route_nh_free (lab_nl.rtnl_route_nh_free_p)
#define rtnl_route_nh_set_gateway (lab_nl.rtnl_route_nh_set_gateway_p)
#define rtnl_route_add_nexthop (lab_nl.rtnl_route_add_nexthop_p)
#define rtnl_route_add (lab_nl.rtnl_route_add_p)
#define rtnl_route_put (lab_nl.rtnl_route_put_p)
#define rtnl_link_bridge_add (lab_nl.rtnl_link_bridge_add_p)
#define rtnl_link_enslave (lab_nl.rtnl_link_enslave_p)
#endif
#endif
