package org.calicostartup.cli;

/** The environment variables the agent reads, with their defaults, for each command's {@code --help}. */
final class EnvironmentHelp {

    static final String HEADING = "%nEnvironment (calico-node's variables, same names and defaults):%n";

    static final String DATASTORE = "  DATASTORE_TYPE                etcdv3 or etcdv2 (default: the release's, else etcdv3)%n"
            + "  CALICO_STARTUP_CALICO_VERSION the calico-node release to reproduce, v2.6.x or v3.0.x-v3.32.x%n"
            + "                                (default: the one the cluster records, else v2.6.12 / v3.32.1)%n"
            + "  ETCD_ENDPOINTS                comma-separated http(s):// URLs (etcdv2 default:%n"
            + "                                ETCD_SCHEME://ETCD_AUTHORITY = http://127.0.0.1:2379)%n"
            + "  ETCD_CA_CERT_FILE, ETCD_CERT_FILE, ETCD_KEY_FILE   PEM files (keys: PKCS#8, PKCS#1 or SEC1)%n"
            + "  ETCD_USERNAME, ETCD_PASSWORD  etcd auth (both or neither)%n"
            + "  CALICO_STARTUP_TIMEOUT        whole startup, 10ms-24h (default 50s)%n"
            + "  CALICO_STARTUP_REQUEST_TIMEOUT each etcd call, 10ms-24h (default 10s)%n"
            + "  CALICO_STARTUP_CLAIMS_COVER_MIN_NODES  etcd v3: keep a claims cover from this many nodes%n"
            + "                                (default 1000; 2147483647: never)%n"
            + "  CALICO_STARTUP_CHANGED_NODES  etcd v3, nodes changed since the cover: newest (default, 2 round%n"
            + "                                trips) or watch (3; etcd's work independent of the cluster size)%n";

    static final String NODE = "  NODENAME, HOSTNAME            node name (v3: trimmed, HOSTNAME lower-cased; v2: as given)%n"
            + "  CALICO_NODENAME_FILE          default /var/lib/calico/nodename (etcd v3)%n"
            + "  IP, IP6                       empty (keep stored), autodetect, none (v3.2+), or an address%n"
            + "  IP_AUTODETECTION_METHOD, IP6_AUTODETECTION_METHOD  default first-found%n"
            + "  AS                            AS number (default: the global one)%n"
            + "  CALICO_NETWORKING_BACKEND     default bird; none skips AS and addresses (v3.15.2-v3.26.1: AS only)%n"
            + "  DISABLE_NODE_IP_CHECK, WAIT_FOR_DATASTORE   exactly true enables (default false)%n"
            + "  CALICO_K8S_NODE_REF, CLUSTER_TYPE, CALICO_STARTUP_LOGLEVEL (default info)%n";

    static final String POOLS = "  CALICO_IPV4POOL_CIDR          default 192.168.0.0/16 (v3.14+: off the host's addresses)%n"
            + "  CALICO_IPV6POOL_CIDR          default: random ULA /48 (v3), fd80:24e2:f998:72d6::/64 (2.6)%n"
            + "  CALICO_IPV4POOL_IPIP, CALICO_IPVxPOOL_VXLAN   default Never%n"
            + "  CALICO_IPVxPOOL_NAT_OUTGOING  default true (IPv4) / false (IPv6)%n"
            + "  CALICO_IPVxPOOL_BLOCK_SIZE    default 26 / 122%n"
            + "  CALICO_IPVxPOOL_NODE_SELECTOR default all()%n"
            + "  CALICO_IPVxPOOL_DISABLE_BGP_EXPORT  default false (v3.24+)%n"
            + "  NO_DEFAULT_POOLS, FELIX_IPV6SUPPORT   defaults false, true%n";

    private EnvironmentHelp() {
    }
}
