package org.calicostartup.config;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.calicostartup.autodetect.AutodetectionMethod;

/**
 * Everything about this node: its name, how to find its addresses, its AS number and orchestrator reference.
 *
 * @param networkingBackend {@code CALICO_NETWORKING_BACKEND}; {@code none} skips the AS number and, in most releases,
 *                          the addresses ({@code ReleaseProfile.configuresAddresses})
 */
public record NodeSettings(NodeName name, AddressSetting ipv4, AddressSetting ipv6,
        AutodetectionMethod ipv4Method, AutodetectionMethod ipv6Method, OptionalLong asNumber,
        Optional<String> k8sNodeRef, boolean disableNodeIpCheck, String networkingBackend) {

    public NodeSettings {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(ipv4, "ipv4");
        Objects.requireNonNull(ipv6, "ipv6");
        Objects.requireNonNull(ipv4Method, "ipv4Method");
        Objects.requireNonNull(ipv6Method, "ipv6Method");
        Objects.requireNonNull(asNumber, "asNumber");
        Objects.requireNonNull(k8sNodeRef, "k8sNodeRef");
        Objects.requireNonNull(networkingBackend, "networkingBackend");
    }

    /** These settings for a node named {@code other}. */
    public NodeSettings withName(NodeName other) {
        return new NodeSettings(other, ipv4, ipv6, ipv4Method, ipv6Method, asNumber, k8sNodeRef, disableNodeIpCheck,
                networkingBackend);
    }

    /**
     * Whether the backend is not exactly {@code none}: calico-node configures the AS number; whether it configures
     * the addresses also depends on the release ({@code ReleaseProfile.configuresAddresses}).
     */
    public boolean configuresNetworking() {
        return !networkingBackend.equals("none");
    }

    /**
     * The AS number this startup sets on the node: {@code AS}, with a networking backend only ({@code
     * configureASNumber} is skipped for {@code none} in every release, node/pkg/lifecycle/startup/startup.go@v3.22.1).
     */
    public OptionalLong asNumberToSet() {
        return configuresNetworking() ? asNumber : OptionalLong.empty();
    }
}
