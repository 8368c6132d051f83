package org.calicostartup.etcdv3;

import java.util.Optional;
import org.calicostartup.net.CidrAddress;

/**
 * The Calico v3 key layout ({@code /calico/resources/v3/projectcalico.org/<plural>/<name>}) and calico-startup's own
 * IP claim keys, which sit outside Calico's resource prefix so Calico components never see them.
 */
final class V3Keys {

    static final String RESOURCES = "/calico/resources/v3/projectcalico.org/";
    static final String NODES = RESOURCES + "nodes/";
    static final String IPPOOLS = RESOURCES + "ippools/";
    static final String CLUSTER_INFORMATION = RESOURCES + "clusterinformations/default";
    static final String FELIX_DEFAULT = RESOURCES + "felixconfigurations/default";
    /** The default BGPConfiguration, created by calico-node v3.32+ when missing. */
    static final String BGP_DEFAULT = RESOURCES + "bgpconfigurations/default";
    /** Per-IP ownership claims (see {@link org.calicostartup.node.IpClaims}). */
    static final String CLAIMS = org.calicostartup.node.IpClaims.PREFIX;
    /** The revision at which every node's addresses were claimed by that node (see {@code V3Cover}). */
    static final String CLAIMS_COVER = "/calico/startup/v1/claims-cover";
    /**
     * Written beside a watch of the nodes changed since the claims cover, inside the watched range (from
     * {@link #NODES} to here): its event tells the watch has delivered everything up to that transaction.
     */
    static final String CLAIMS_FENCE = "/calico/startup/v1/claims-fence";

    private V3Keys() {
    }

    static String node(String name) {
        return NODES + name;
    }

    static String felixNode(String name) {
        return RESOURCES + "felixconfigurations/node." + name;
    }

    static String pool(String name) {
        return IPPOOLS + name;
    }

    static String claim(CidrAddress address) {
        return org.calicostartup.node.IpClaims.key(address);
    }

    /** The node name of a key listed under {@link #NODES}, if the key is one node (Calico's own filter). */
    static Optional<String> nodeName(String key) {
        // The node prefix and one non-empty segment without "/", i.e. ^<NODES>([^/]+)$; no regex, as this runs
        // for every node of a full read.
        if (!key.startsWith(NODES) || key.length() == NODES.length() || key.indexOf('/', NODES.length()) >= 0) {
            return Optional.empty();
        }
        return Optional.of(key.substring(NODES.length()));
    }
}
