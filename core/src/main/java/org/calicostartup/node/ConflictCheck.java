package org.calicostartup.node;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.calicostartup.config.AddressSetting;
import org.calicostartup.config.NodeSettings;
import org.calicostartup.net.CidrAddress;
import org.calicostartup.net.IpFamily;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * calico-node's {@code checkConflictingNodes}: another node using one of our IPs (compared without prefix) is a
 * conflict; our own name with other addresses is only a warning. Every node is scanned, every conflict reported.
 */
public final class ConflictCheck {

    private static final Logger LOG = LoggerFactory.getLogger(ConflictCheck.class);

    /** What the check needs of a listed node: its name and its IPs. */
    public record ListedNode(String name, Optional<InetAddress> ipv4, Optional<InetAddress> ipv6) {
        public ListedNode {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(ipv4, "ipv4");
            Objects.requireNonNull(ipv6, "ipv6");
        }

        public Optional<InetAddress> of(IpFamily family) {
            return family == IpFamily.V4 ? ipv4 : ipv6;
        }
    }

    /** Another node already using one of our IPs. */
    public record Conflict(IpFamily family, String otherNode, String ip) {
        /** calico-node's wording. */
        public String message() {
            return "Calico node '" + otherNode + "' is already using the " + family + " address " + ip + ".";
        }
    }

    private ConflictCheck() {
    }

    public static List<Conflict> find(String ourName, StoredAddresses ours, Iterable<ListedNode> nodes) {
        List<Conflict> conflicts = new ArrayList<>();
        for (ListedNode node : nodes) {
            for (IpFamily family : IpFamily.values()) {
                Optional<CidrAddress> mine = ours.of(family);
                Optional<InetAddress> theirs = node.of(family);
                if (mine.isEmpty() || theirs.isEmpty()) {
                    continue;
                }
                boolean same = mine.get().address().equals(theirs.get());
                if (node.name().equals(ourName)) {
                    if (!same) {
                        LOG.warn("{} address has changed. This could happen if there are multiple nodes with the "
                                + "same name. node={} original={} updated={}", family, ourName,
                                CidrAddress.host(theirs.get()).ip(), mine.get().ip());
                    }
                } else if (same) {
                    Conflict conflict = new Conflict(family, node.name(), mine.get().ip());
                    LOG.warn(conflict.message());
                    conflicts.add(conflict);
                }
            }
        }
        return conflicts;
    }

    /**
     * calico-node v3 on a conflict: a node that already existed and autodetects its address ({@code IP=autodetect})
     * has the conflicting address cleared before it fails, so that the other node's restart is not blocked by it
     * (calico#1589). Returns {@code after} unchanged when nothing is to be cleared.
     */
    public static StoredAddresses clearConflicting(NodeSettings settings, boolean nodeExisted,
            StoredAddresses after, List<Conflict> conflicts) {
        StoredAddresses result = after;
        for (Conflict c : conflicts) {
            AddressSetting setting = c.family() == IpFamily.V4 ? settings.ipv4() : settings.ipv6();
            if (nodeExisted && setting.mode() == AddressSetting.Mode.AUTODETECT && result.of(c.family()).isPresent()) {
                LOG.warn("Clearing out-of-date {} address from this node", c.family());
                result = result.with(c.family(), Optional.empty());
            }
        }
        return result;
    }

}
