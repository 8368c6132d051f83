package org.calicostartup.etcdv2;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.calicostartup.StartupException;
import org.calicostartup.StartupException.Reason;
import org.calicostartup.config.NodeSettings;
import org.calicostartup.net.CidrAddress;
import org.calicostartup.net.IpFamily;
import org.calicostartup.node.AddressResolution;
import org.calicostartup.node.ConflictCheck;
import org.calicostartup.node.StoredAddresses;
import org.calicostartup.spi.StartupContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** calico-node 2.6.12's decisions (reference a.3–a.5), shared by the fast and the reference mode. */
final class V2Rules {

    private static final Logger LOG = LoggerFactory.getLogger(V2Rules.class);

    private V2Rules() {
    }

    /** This node as stored: whether it exists, its addresses and AS number. */
    record OwnNode(boolean exists, StoredAddresses addresses, OptionalLong asNumber) {
    }

    /** What to write. */
    record Decision(StoredAddresses before, StoredAddresses after, boolean checkRuns, OptionalLong asNumber) {
    }

    static OwnNode own(String name, boolean exists, Map<String, String> bgp) {
        try {
            return new OwnNode(exists, V2Layout.addresses(bgp), V2Layout.asNumber(bgp));
        } catch (V2Layout.MalformedException e) {
            throw new StartupException(Reason.INVALID_STORED_DATA, "The stored node " + V2Layout.bgpHost(name)
                    + " cannot be read: " + e.getMessage() + ". It was left untouched; fix or delete it.");
        }
    }

    static Decision decide(StartupContext context, OwnNode own) {
        NodeSettings settings = context.config().node();
        if (!own.exists()) {
            LOG.info("Building new node resource Name={}", context.nodeName());
        }
        AddressResolution resolution = AddressResolution.resolve(settings, own.addresses(), context.candidates(),
                AddressResolution.Rules.CALICO_2_6);
        if (resolution.failure().isPresent()) {
            throw resolution.failure().get();
        }
        OptionalLong asNumber = own.asNumber();
        if (settings.configuresNetworking()) {
            if (settings.asNumber().isPresent()) {
                asNumber = settings.asNumber();
                LOG.info("Using AS number specified in environment (AS={})", asNumber.getAsLong());
            } else if (asNumber.isPresent()) {
                LOG.info("Using AS number {} configured in node resource", asNumber.getAsLong());
            } else {
                LOG.info("No AS number configured on node resource, using global value");
            }
        }
        boolean checkRuns = resolution.changed() && !settings.disableNodeIpCheck() && settings.configuresNetworking();
        return new Decision(own.addresses(), resolution.addresses(), checkRuns, asNumber);
    }

    /**
     * The conflict check over every host listed under {@code /calico/v1/host}, with each host's IPs from its
     * {@code ip_addr_v4}/{@code ip_addr_v6} alone: a garbage {@code network_v4} must not hide a valid address, which
     * calico-node 2.6 would see. Only an address that is not an IP is skipped, with a warning naming the key.
     */
    static List<ConflictCheck.Conflict> conflicts(String name, StoredAddresses ours, Collection<String> hosts,
            Map<String, Map<String, String>> bgp) {
        List<ConflictCheck.ListedNode> listed = new ArrayList<>();
        for (String host : hosts) {
            Map<String, String> fields = bgp.getOrDefault(host, Map.of());
            listed.add(new ConflictCheck.ListedNode(host, ip(host, fields, IpFamily.V4), ip(host, fields,
                    IpFamily.V6)));
        }
        return ConflictCheck.find(name, ours, listed);
    }

    private static Optional<InetAddress> ip(String host, Map<String, String> fields, IpFamily family) {
        String key = family == IpFamily.V4 ? "ip_addr_v4" : "ip_addr_v6";
        String value = fields.getOrDefault(key, "");
        if (value.isEmpty()) {
            return Optional.empty();
        }
        Optional<InetAddress> ip = CidrAddress.parseAddress(value).filter(a -> IpFamily.of(a) == family);
        if (ip.isEmpty()) {
            LOG.warn("Skipping the unreadable address {}/{} = \"{}\" of node {}", V2Layout.bgpHost(host), key,
                    value, host);
        }
        return ip;
    }

    static StartupException conflictFailure(List<ConflictCheck.Conflict> conflicts) {
        LOG.warn("Terminating");
        return new StartupException(Reason.IP_CONFLICT, String.join(" ",
                conflicts.stream().map(ConflictCheck.Conflict::message).toList()));
    }
}
