package org.calicostartup.etcdv3;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.calicostartup.profile.ReleaseProfile;

/**
 * The cluster-wide Calico v3 resources a startup ensures — ClusterInformation {@code default} and the default and
 * per-node FelixConfiguration — with the field names and order of Calico's Go structs; stored ones are completed,
 * never rewritten from scratch.
 */
final class V3ClusterResources {

    private V3ClusterResources() {
    }

    // ------------------------------------------------------------------------------------ cluster information

    /** A stored ClusterInformation's {@code spec.calicoVersion} ("" when unreadable or unset). */
    static String recordedVersion(byte[] clusterInformation) {
        try {
            return V3Resources.parse(clusterInformation, "ClusterInformation").path("spec").path("calicoVersion").asText("");
        } catch (V3Resources.MalformedException e) {
            return "";
        }
    }

    /** A new ClusterInformation ({@code ensureClusterInformation}, libcalico-go/lib/clientv3/client.go@v3.22.1). */
    static ObjectNode clusterInformation(List<String> clusterType, String calicoVersion, Clock clock) {
        ObjectNode info = V3Resources.newResource("ClusterInformation", "default", clock);
        ObjectNode spec = info.putObject("spec");
        spec.put("clusterGUID", HexFormat.of().formatHex(V3Resources.randomBytes(16)));
        if (!clusterType.isEmpty()) {
            spec.put("clusterType", String.join(",", clusterType));
        }
        spec.put("calicoVersion", calicoVersion);
        spec.put("datastoreReady", true);
        return info;
    }

    /**
     * calico-node's {@code EnsureInitialized} on an existing ClusterInformation: the version recorded, a missing
     * GUID generated, a missing datastoreReady set true, missing cluster-type items appended. Empty when nothing
     * needs changing.
     */
    static Optional<ObjectNode> ensureClusterInformation(ObjectNode stored, List<String> clusterType,
            String calicoVersion) {
        ObjectNode info = forUpdate(stored);
        ObjectNode spec = spec(info);
        boolean changed = false;
        if (!spec.path("calicoVersion").asText("").equals(calicoVersion)) {
            spec.put("calicoVersion", calicoVersion);
            changed = true;
        }
        if (spec.path("clusterGUID").asText("").isEmpty()) {
            spec.put("clusterGUID", HexFormat.of().formatHex(V3Resources.randomBytes(16)));
            changed = true;
        }
        if (!spec.path("datastoreReady").isBoolean()) {
            spec.put("datastoreReady", true);
            changed = true;
        }
        // As ensureClusterInformation does (libcalico-go/lib/clientv3/client.go@v3.32.1): an empty stored type takes
        // CLUSTER_TYPE as it is; else each of its items not among the stored ones (as split, untrimmed) is appended.
        String wanted = String.join(",", clusterType);
        String existing = spec.path("clusterType").asText("");
        if (!wanted.isEmpty() && existing.isEmpty()) {
            spec.put("clusterType", wanted);
            changed = true;
        } else if (!wanted.isEmpty()) {
            List<String> types = new ArrayList<>(Arrays.asList(existing.split(",", -1)));
            Set<String> storedTypes = new HashSet<>(types);
            boolean added = false;
            for (String type : wanted.split(",", -1)) {
                if (!storedTypes.contains(type)) {
                    types.add(type);
                    added = true;
                }
            }
            if (added) {
                spec.put("clusterType", String.join(",", types));
                changed = true;
            }
        }
        return changed ? Optional.of(info) : Optional.empty();
    }

    // -------------------------------------------------------------------------------- felix configuration

    /**
     * A new default FelixConfiguration: {@code logSeverityScreen} Info and {@code reportingInterval} 0s
     * ({@code ensureDefaultConfig}, node/pkg/lifecycle/startup/startup.go@v3.22.1), with {@code ipipEnabled} /
     * {@code vxlanEnabled} when a pool that needs them was just created ({@code maybeEnableIPIP},
     * {@code maybeEnableVXLAN}, libcalico-go/lib/clientv3/ippool.go@v3.22.1). Fields in the Go struct's order.
     */
    static ObjectNode felixDefault(boolean ipipEnabled, boolean vxlanEnabled, ReleaseProfile profile, Clock clock) {
        ObjectNode felix = V3Resources.newResource("FelixConfiguration", "default", clock);
        ObjectNode spec = felix.putObject("spec");
        spec.put("logSeverityScreen", "Info");
        if (ipipEnabled) {
            spec.put("ipipEnabled", true);
        }
        if (vxlanEnabled) {
            spec.put("vxlanEnabled", true);
        }
        spec.put("reportingInterval", "0s");
        clientDefaults(spec, profile);
        return felix;
    }

    /**
     * What the client sets on a FelixConfiguration it creates or updates ({@link ReleaseProfile.FelixDefaults};
     * {@code setDefaults}, libcalico-go/lib/clientv3/felixconfig.go@v3.32.1): each field only when unset; with
     * {@code bpfConnectTimeLoadBalancingEnabled} set, NAT without CTLB Disabled and the load balancing as it says.
     */
    static void clientDefaults(ObjectNode spec, ReleaseProfile profile) {
        ReleaseProfile.FelixDefaults defaults = profile.felixDefaults();
        if (defaults == ReleaseProfile.FelixDefaults.NONE) {
            return;
        }
        if (defaults == ReleaseProfile.FelixDefaults.FLOATING_IPS_AND_BPF) {
            if (isUnset(spec.get("bpfConnectTimeLoadBalancing"))) {
                spec.put("bpfConnectTimeLoadBalancing", "TCP");
            }
            if (isUnset(spec.get("bpfHostNetworkedNATWithoutCTLB"))) {
                spec.put("bpfHostNetworkedNATWithoutCTLB", "Enabled");
            }
            JsonNode ctlbEnabled = spec.get("bpfConnectTimeLoadBalancingEnabled");
            if (!isUnset(ctlbEnabled)) {
                spec.put("bpfHostNetworkedNATWithoutCTLB", "Disabled");
                spec.put("bpfConnectTimeLoadBalancing", ctlbEnabled.asBoolean() ? "Enabled" : "Disabled");
            }
        }
        if (isUnset(spec.get("floatingIPs"))) {
            spec.put("floatingIPs", "Disabled");
        }
    }

    /**
     * The stored default FelixConfiguration completed as calico-node does: a missing {@code reportingInterval} (0s)
     * and an empty {@code logSeverityScreen} (Info) filled, and {@code ipipEnabled} / {@code vxlanEnabled} set true
     * when asked and not set at all — an explicit false is left alone. Empty when nothing changes.
     */
    static Optional<ObjectNode> ensureFelixDefault(ObjectNode stored, boolean enableIpip, boolean enableVxlan,
            ReleaseProfile profile) {
        ObjectNode felix = forUpdate(stored);
        ObjectNode spec = spec(felix);
        boolean changed = false;
        if (enableIpip && isUnset(spec.get("ipipEnabled"))) {
            spec.put("ipipEnabled", true);
            changed = true;
        }
        if (enableVxlan && isUnset(spec.get("vxlanEnabled"))) {
            spec.put("vxlanEnabled", true);
            changed = true;
        }
        if (isUnset(spec.get("reportingInterval"))) {
            spec.put("reportingInterval", "0s");
            changed = true;
        }
        if (isUnset(spec.get("logSeverityScreen")) || spec.get("logSeverityScreen").asText().isEmpty()) {
            spec.put("logSeverityScreen", "Info");
            changed = true;
        }
        if (changed) {
            clientDefaults(spec, profile);
        }
        return changed ? Optional.of(felix) : Optional.empty();
    }

    /**
     * The stored {@code node.<name>} FelixConfiguration with an empty {@code defaultEndpointToHostAction} set to
     * {@code Return}, as calico-node does ({@code ensureDefaultConfig}, calico_node/startup/startup.go@v3.0.1,
     * node/pkg/lifecycle/startup/startup.go@v3.32.1); empty when it has one.
     */
    static Optional<ObjectNode> ensureFelixNode(ObjectNode stored, ReleaseProfile profile) {
        ObjectNode felix = forUpdate(stored);
        ObjectNode spec = spec(felix);
        JsonNode action = spec.get("defaultEndpointToHostAction");
        if (!isUnset(action) && !action.asText().isEmpty()) {
            return Optional.empty();
        }
        spec.put("defaultEndpointToHostAction", "Return");
        clientDefaults(spec, profile);
        return Optional.of(felix);
    }

    /** A copy of {@code stored} to update: its {@code resourceVersion} is etcd's mod revision, never stored. */
    private static ObjectNode forUpdate(ObjectNode stored) {
        ObjectNode copy = stored.deepCopy();
        if (copy.get("metadata") instanceof ObjectNode m) {
            m.remove("resourceVersion");
        }
        return copy;
    }

    /** The resource's {@code spec}, created when it has none. */
    private static ObjectNode spec(ObjectNode resource) {
        return resource.get("spec") instanceof ObjectNode s ? s : resource.putObject("spec");
    }

    private static boolean isUnset(JsonNode value) {
        return value == null || value.isNull();
    }

    /**
     * The default BGPConfiguration calico-node v3.32+ creates when it is missing ({@code ensureDefaultBGPConfigExists},
     * node/pkg/lifecycle/startup/startup.go@v3.32.0): {@code NewBGPConfiguration()} named {@code default}, empty spec.
     */
    static ObjectNode bgpDefault(Clock clock) {
        ObjectNode bgp = V3Resources.newResource("BGPConfiguration", "default", clock);
        bgp.putObject("spec");
        return bgp;
    }

    static ObjectNode felixNode(String nodeName, ReleaseProfile profile, Clock clock) {
        ObjectNode felix = V3Resources.newResource("FelixConfiguration", "node." + nodeName, clock);
        clientDefaults(felix.putObject("spec").put("defaultEndpointToHostAction", "Return"), profile);
        return felix;
    }
}
