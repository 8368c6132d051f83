package org.calicostartup.profile;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.calicostartup.StartupException;
import org.calicostartup.config.AddressSetting;
import org.calicostartup.config.DatastoreType;
import org.calicostartup.config.EncapsulationMode;
import org.calicostartup.config.NodeSettings;
import org.calicostartup.config.PoolSettings;
import org.calicostartup.config.StartupConfig;
import org.calicostartup.net.CidrAddress;
import org.calicostartup.net.IpFamily;

/**
 * Every rule of calico-node's startup that changes from one release to another, in one place. Each rule names the
 * Calico source file and tag it follows; the README's behaviour table lists the same rows.
 */
public final class ReleaseProfile {

    private static final List<String> EXCLUDE_2_6_0 = List.of("docker.*", "cbr.*", "dummy.*", "virbr.*", "lxcbr.*",
            "veth.*", "lo", "cali.*", "tunl.*", "flannel.*");
    private static final List<String> EXCLUDE_2_6_2 = concat(EXCLUDE_2_6_0, "kube-ipvs.*");
    private static final List<String> EXCLUDE_3_15 = concat(EXCLUDE_2_6_2, "cni.*");
    private static final List<String> EXCLUDE_3_23_4 = EXCLUDE_3_15.stream().map(p -> "^" + p).toList();
    private static final List<String> EXCLUDE_3_25 = List.of("^docker.*", "^cbr.*", "^dummy.*", "^podman.*",
            "^virbr.*", "^lxcbr.*", "^veth.*", "^lo", "^br-.*", "^cali.*", "^tunl.*", "^flannel.*", "^kube-ipvs.*",
            "^cni.*", "^vxlan\\.calico.*", "^vxlan-v6\\.calico.*", "^wireguard\\.cali.*", "^wg-v6\\.cali.*",
            "^nodelocaldns.*");

    private final CalicoRelease release;

    private ReleaseProfile(CalicoRelease release) {
        this.release = Objects.requireNonNull(release, "release");
        if (!release.isSupported()) {
            throw new IllegalArgumentException("unsupported Calico release " + release);
        }
    }

    public static ReleaseProfile of(CalicoRelease release) {
        return new ReleaseProfile(release);
    }

    /**
     * The release to reproduce: the configured one ({@code CALICO_STARTUP_CALICO_VERSION}); else the one the
     * cluster records, when it is a supported release of this datastore's era; else v2.6.12 on etcd v2 and the
     * newest supported v3 release on etcd v3.
     */
    public static ReleaseProfile resolve(Optional<CalicoRelease> configured, Optional<String> recorded,
            DatastoreType datastore) {
        if (configured.isPresent()) {
            return of(configured.get());
        }
        boolean v2 = datastore == DatastoreType.ETCDV2;
        return of(recorded.flatMap(CalicoRelease::supported).filter(r -> r.usesEtcdV2() == v2)
                .orElse(v2 ? CalicoRelease.DEFAULT_V2 : CalicoRelease.NEWEST_V3));
    }

    /** The profile used before anything is read: the configured release, else the datastore's default. */
    public static ReleaseProfile beforeReading(Optional<CalicoRelease> configured, DatastoreType datastore) {
        return resolve(configured, Optional.empty(), datastore);
    }

    public CalicoRelease release() {
        return release;
    }

    /**
     * The version written to {@code /calico/v1/config/CalicoVersion} (2.6: {@code ensureDefaultConfig},
     * calico_node/startup/startup.go@v2.6.12) or ClusterInformation {@code spec.calicoVersion}
     * ({@code ensureClusterInformation}, libcalico-go/lib/clientv3/client.go@v3.22.1).
     */
    public String recordedVersion() {
        return release.toString();
    }

    public boolean etcdV2() {
        return release.usesEtcdV2();
    }

    /**
     * After registering, calico-node 2.6 and v3.0 write {@code startup.env} ({@code writeStartupEnv},
     * calico_node/startup/startup.go@v2.6.12 and @v3.0.1); v3.1 and later write the nodename file instead
     * ({@code writeNodeConfig}, @v3.1.0).
     */
    public boolean writesStartupEnv() {
        return !release.atLeast(3, 1);
    }

    /**
     * calico-node records the host's interfaces in the node's {@code spec.interfaces} from v3.31
     * ({@code configureIPsAndSubnets}, node/pkg/lifecycle/startup/startup.go@v3.31.0; absent @v3.30.7), and a change
     * of them runs the conflict check ("Node interfaces changed").
     */
    public boolean recordsNodeInterfaces() {
        return release.atLeast(3, 31);
    }

    /**
     * From v3.1, when configuring an existing node's addresses fails, or another node holds one of them, calico-node
     * clears the addresses of the families set to {@code autodetect} and writes the node before it terminates
     * ({@code clearNodeIPs}, calico_node/startup/startup.go@v3.1.0, node/pkg/lifecycle/startup/startup.go@v3.22.1);
     * v3.0 terminates without writing (@v3.0.1).
     */
    public boolean clearsAutodetectedAddressesOnFailure() {
        return !etcdV2() && release.atLeast(3, 1);
    }

    /**
     * The orchestrator ref this release writes: {@code CALICO_K8S_NODE_REF}, read from 2.6.3 and from v3.1
     * ({@code configureNodeRef}, calico_node/startup/startup.go@v2.6.3, @v2.6.12 and @v3.1.0) but not by 2.6.0–2.6.2
     * or v3.0 (absent @v2.6.2, @v3.0.1).
     */
    public Optional<String> k8sNodeRef(NodeSettings node) {
        boolean reads = etcdV2() ? release.atLeast(2, 6, 3) : release.atLeast(3, 1);
        return reads ? node.k8sNodeRef() : Optional.empty();
    }

    /**
     * The {@code cidr=} autodetection method exists from v3.16 ({@code AUTODETECTION_METHOD_CIDR},
     * pkg/startup/startup.go@v3.16.0 of projectcalico/node; absent @v3.15.5, @v3.0.1, @v2.6.12); before, calico-node
     * terminates with "Invalid IP autodection method" when it autodetects with it.
     */
    public boolean supportsCidrAutodetection() {
        return !etcdV2() && release.atLeast(3, 16);
    }

    /**
     * The default IPv6 pool's CIDR when {@code CALICO_IPV6POOL_CIDR} is unset, where it is fixed: 2.6.x and v3.0 use
     * {@code fd80:24e2:f998:72d6::/64} ({@code DEFAULT_IPV6_POOL_CIDR}, calico_node/startup/startup.go@v2.6.12 and
     * v3.0.1); empty from v3.1, which makes a random ULA /48 ({@code GenerateIPv6ULAPrefix}, @v3.1.0).
     */
    public Optional<CidrAddress> fixedDefaultIpv6Pool() {
        return etcdV2() || !release.atLeast(3, 1) ? Optional.of(FIXED_IPV6_POOL) : Optional.empty();
    }

    private static final CidrAddress FIXED_IPV6_POOL = CidrAddress.parse("fd80:24e2:f998:72d6::/64").orElseThrow();

    /** When calico-node v3 refuses a node without addresses ({@code configureIPsAndSubnets}). */
    public enum NoAddress {
        /**
         * v3.2–v3.15: {@code IP=none} with {@code IP6} unset or {@code none} terminates, whatever is stored ("No IP
         * Addresses configured, and autodetection is not enabled", pkg/startup/startup.go@v3.2.0, @v3.15.5 of
         * projectcalico/node; before v3.2 {@code IP=none} does not exist).
         */
        IP_NONE_FAILS,
        /** v3.16.0–v3.16.2: the same, only when no address is stored either (@v3.16.0). */
        IP_NONE_FAILS_WITHOUT_STORED,
        /**
         * v3.16.3+: no address at all once configured fails ("No IPv4 or IPv6 addresses configured or detected,
         * required for Calico networking", @v3.16.3, node/pkg/lifecycle/startup/startup.go@v3.22.1), policy only aside.
         */
        NONE_FAILS
    }

    /** See {@link NoAddress}. */
    public NoAddress noAddress() {
        if (!release.atLeast(3, 16)) {
            return NoAddress.IP_NONE_FAILS;
        }
        return release.atLeast(3, 16, 3) ? NoAddress.NONE_FAILS : NoAddress.IP_NONE_FAILS_WITHOUT_STORED;
    }

    /**
     * From v3.26.2 calico-node writes the node only when something in it changed ({@code needsNodeUpdate},
     * node/pkg/lifecycle/startup/startup.go@v3.26.2, @v3.32.1; absent @v3.26.1); before, every start updates it.
     */
    public boolean writesNodeOnlyWhenChanged() {
        return !etcdV2() && release.atLeast(3, 26, 2);
    }

    /**
     * calico-node creates the default BGPConfiguration when it is missing from v3.32.0
     * ({@code ensureDefaultBGPConfigExists}, node/pkg/lifecycle/startup/startup.go@v3.32.0; absent @v3.31.7).
     */
    public boolean createsDefaultBgpConfiguration() {
        return !etcdV2() && release.atLeast(3, 32);
    }

    /**
     * The client defaults a created pool's {@code allowedUses} to {@code [Workload, Tunnel]} from v3.21
     * ({@code validateAndSetDefaults}, libcalico-go lib/clientv3/ippool.go@v3.21.0; absent @v3.20.0).
     */
    public boolean poolsHaveAllowedUses() {
        return !etcdV2() && release.atLeast(3, 21);
    }

    /**
     * … and its {@code assignmentMode} to {@code Automatic} from v3.30 (libcalico-go/lib/clientv3/ippool.go@v3.30.0
     * of projectcalico/calico; absent @v3.29.7).
     */
    public boolean poolsHaveAssignmentMode() {
        return !etcdV2() && release.atLeast(3, 30);
    }

    /**
     * What the client sets on every FelixConfiguration it creates or updates ({@code setDefaults},
     * libcalico-go/lib/clientv3/felixconfig.go): {@code floatingIPs} from v3.22.2 (@v3.22.2, @v3.23.0; absent at
     * v3.22.1), the BPF connect-time load-balancing fields from v3.27 (@v3.27.0; absent @v3.26.5).
     */
    public enum FelixDefaults { NONE, FLOATING_IPS, FLOATING_IPS_AND_BPF }

    /** See {@link FelixDefaults}. */
    public FelixDefaults felixDefaults() {
        if (etcdV2() || !release.atLeast(3, 22, 2)) {
            return FelixDefaults.NONE;
        }
        return release.atLeast(3, 27) ? FelixDefaults.FLOATING_IPS_AND_BPF : FelixDefaults.FLOATING_IPS;
    }

    /** How a release determines the node's name ({@code determineNodeName}). */
    public enum Naming {
        /**
         * 2.6.x: {@code NODENAME}, else {@code HOSTNAME}, else the OS host name, exactly as given, Calico 2.6's name
         * rule; no nodename file (calico_node/startup/startup.go@v2.6.12).
         */
        CALICO_2_6,
        /**
         * v3.0.x: {@code NODENAME}, else {@code HOSTNAME}, as given (neither trimmed nor lower-cased), else the OS
         * host name lower-cased; no nodename file is read (calico_node/startup/startup.go@v3.0.1).
         */
        AS_GIVEN,
        /**
         * v3.1–v3.3: {@code NODENAME} trimmed, else {@code /var/lib/calico/nodename} whatever
         * {@code CALICO_NODENAME_FILE} says, else {@code HOSTNAME} trimmed and lower-cased, else the OS host name
         * (calico_node/startup/startup.go@v3.1.0, pkg/startup/startup.go@v3.3.0 of projectcalico/node); the name is
         * written to that same file.
         */
        DEFAULT_FILE,
        /** v3.4 and later: as {@link #DEFAULT_FILE}, with the file {@code CALICO_NODENAME_FILE} names (@v3.4.0). */
        FILE_VARIABLE
    }

    /** How this release names the node; see {@link Naming}. */
    public Naming naming() {
        if (etcdV2()) {
            return Naming.CALICO_2_6;
        }
        if (!release.atLeast(3, 1)) {
            return Naming.AS_GIVEN;
        }
        return release.atLeast(3, 4) ? Naming.FILE_VARIABLE : Naming.DEFAULT_FILE;
    }

    /** {@code IP=none}/{@code IP6=none} exist from v3.2 (2.6 refuses the value). */
    public boolean supportsIpNone() {
        return release.atLeast(3, 2);
    }

    /**
     * Refuses, before anything is written, settings this release does not have: {@code IP=none}/{@code IP6=none}
     * before v3.2 (calico-node terminates with "Environment does not contain a valid IPv4 address",
     * calico_node/startup/startup.go@v2.6.12, @v3.0.1) and {@code CALICO_IPVxPOOL_CIDR=none} before v3.29 (calico-node
     * would write the node, then terminate with "Invalid CIDR specified").
     */
    public void refuseUnsupported(StartupConfig config) {
        for (String variable : new String[] {"IP", "IP6"}) {
            AddressSetting setting = variable.equals("IP") ? config.node().ipv4() : config.node().ipv6();
            if (setting.mode() == AddressSetting.Mode.NONE && !supportsIpNone()) {
                throw StartupException.invalidValue(variable, "none", "empty, \"autodetect\" or an address; "
                        + "\"none\" exists from Calico v3.2, and this startup reproduces " + release);
            }
        }
        for (PoolSettings pool : List.of(config.ipv4Pool(), config.ipv6Pool())) {
            if (pool.cidrNone() && !poolCidrNoneSkips()) {
                String variable = pool.family() == IpFamily.V4 ? "CALICO_IPV4POOL_CIDR" : "CALICO_IPV6POOL_CIDR";
                throw StartupException.invalidValue(variable, "none", "a CIDR; \"none\" skips the default pool "
                        + "only from Calico v3.29, and this startup reproduces " + release);
            }
        }
    }

    /**
     * A bare {@code IP=a.b.c.d} borrows the prefix of the local interface that holds it from v3.18
     * ({@code autodetection.GetLocalCIDR}, node/pkg/lifecycle/startup/startup.go@v3.22.1); before, it is a /32
     * ({@code parseIPEnvironment}, calico_node/startup/startup.go@v2.6.12 and @v3.0.1).
     */
    public boolean bareIpv4BorrowsInterfacePrefix() {
        return release.atLeast(3, 18);
    }

    /**
     * Creating an IPIP pool sets FelixConfiguration default {@code ipipEnabled: true} when unset, v3.0–v3.22
     * ({@code maybeEnableIPIP}, libcalico-go lib/clientv3/ippool.go@release-v3.0 … calico@v3.22.1; gone in v3.23.0).
     */
    public boolean enablesIpipInFelix() {
        return !etcdV2() && !release.atLeast(3, 23);
    }

    /** As {@link #enablesIpipInFelix()} for VXLAN pools and {@code vxlanEnabled}, v3.7–v3.22 ({@code maybeEnableVXLAN}). */
    public boolean enablesVxlanInFelix() {
        return release.atLeast(3, 7) && !release.atLeast(3, 23);
    }

    /** {@code CALICO_IPV4POOL_VXLAN} and the pool's {@code vxlanMode} exist from v3.7. */
    public boolean hasVxlanPools() {
        return release.atLeast(3, 7);
    }

    /**
     * VXLAN mode {@code CrossSubnet} for the default pool from v3.9 ({@code createIPPool},
     * pkg/startup/startup.go@v3.9.0 of projectcalico/node); v3.7–v3.8 know only never and always and terminate on
     * anything else ("Unrecognized VXLAN mode", @v3.8.0) when they create the pool.
     */
    public boolean hasVxlanCrossSubnet() {
        return release.atLeast(3, 9);
    }

    /** 2.6 accepts only these IPIP modes (lower-cased; {@code ipip.Mode}, libcalico-go lib/ipip@release-v2.6). */
    public boolean acceptsIpipValue(String lowerCased) {
        if (!etcdV2()) {
            return true;
        }
        return switch (lowerCased) {
            case "", "off", "always", "cross-subnet" -> true;
            default -> false;
        };
    }

    /** {@code CALICO_IPVxPOOL_DISABLE_BGP_EXPORT} sets the pool's {@code disableBGPExport} from v3.24. */
    public boolean readsPoolDisableBgpExport() {
        return release.atLeast(3, 24);
    }

    /** {@code CALICO_IPVxPOOL_CIDR=none} skips that family's default pool from v3.29. */
    public boolean poolCidrNoneSkips() {
        return release.atLeast(3, 29);
    }

    /**
     * From v3.14 the default IPv4 pool avoids the host's own addresses: 192.168.0.0/16, else the first of
     * 172.16.0.0/16 … 172.31.0.0/16 that holds none of them, else 192.168.0.0/16 anyway ({@code GetDefaultIPv4Pool},
     * node/pkg/lifecycle/startup/autodetection/ipv4/poolselector.go@v3.22.1).
     */
    public CidrAddress defaultIpv4Pool(CidrAddress preferred, List<CidrAddress> hostAddresses) {
        if (!release.atLeast(3, 14) || !holdsAny(preferred, hostAddresses)) {
            return preferred;
        }
        for (int second = 16; second <= 31; second++) {
            CidrAddress candidate = CidrAddress.parse("172." + second + ".0.0/16").orElseThrow();
            if (!holdsAny(candidate, hostAddresses)) {
                return candidate;
            }
        }
        return preferred;
    }

    private static boolean holdsAny(CidrAddress pool, List<CidrAddress> hostAddresses) {
        return hostAddresses.stream().filter(a -> a.family() == IpFamily.V4).anyMatch(a -> pool.contains(a.address()));
    }

    /**
     * The interfaces first-found and skip-interface leave out ({@code DEFAULT_INTERFACES_TO_EXCLUDE},
     * calico_node/startup/startup.go at v2.6.0 and v2.6.2, node/pkg/lifecycle/startup/autodetection/autodetection_linux.go
     * at v3.22.1, v3.23.4, v3.24.3 and v3.25.0): unanchored until v3.23.3 and v3.24.0–v3.24.2; {@code cni.*} from v3.15;
     * the longer anchored list from v3.25.
     */
    public List<Pattern> defaultInterfaceExclusions() {
        List<String> list;
        if (release.atLeast(3, 25)) {
            list = EXCLUDE_3_25;
        } else if (release.atLeast(3, 24, 3) || (release.atLeast(3, 23, 4) && !release.atLeast(3, 24))) {
            list = EXCLUDE_3_23_4;
        } else if (release.atLeast(3, 15)) {
            list = EXCLUDE_3_15;
        } else if (release.atLeast(2, 6, 2)) {
            list = EXCLUDE_2_6_2;
        } else {
            list = EXCLUDE_2_6_0;
        }
        return list.stream().map(Pattern::compile).toList();
    }

    /**
     * Whether a stored pool has {@code blockSize}: v3.3+ (IPPoolSpec {@code BlockSize}, defaulted to 26 / 122 by the
     * client, libcalico-go lib/apis/v3/ippool.go and lib/clientv3/ippool.go@release-v3.3; absent @release-v3.2).
     */
    public boolean poolsHaveBlockSize() {
        return release.atLeast(3, 3);
    }

    /**
     * Whether a stored pool has {@code nodeSelector}: v3.5+ (IPPoolSpec {@code NodeSelector}, defaulted to
     * {@code all()} by the client, libcalico-go lib/clientv3/ippool.go@release-v3.5; absent @release-v3.4).
     */
    public boolean poolsHaveNodeSelector() {
        return release.atLeast(3, 5);
    }

    /**
     * Whether {@code CALICO_IPVxPOOL_BLOCK_SIZE} and {@code CALICO_IPVxPOOL_NODE_SELECTOR} set the default pools':
     * v3.10+ ({@code configureIPPools}, pkg/startup/startup.go@v3.10.0 of projectcalico/node; before, the client's
     * defaults, whatever the variables say).
     */
    public boolean readsPoolBlockSizeAndNodeSelector() {
        return release.atLeast(3, 10);
    }

    /**
     * Whether {@code CALICO_IPV6POOL_VXLAN} sets the default IPv6 pool's {@code vxlanMode}: v3.23+
     * ({@code configureIPPools}, node/pkg/lifecycle/startup/startup.go@v3.23.0); before, that pool is created with
     * {@code VXLANModeNever} whatever the variable says (@v3.22.1).
     */
    public boolean readsIpv6PoolVxlan() {
        return release.atLeast(3, 23);
    }

    /**
     * A default pool's settings as this release reads their variables: what it does not read yet (the IPv4 pool's
     * VXLAN mode before v3.7, the IPv6 pool's before v3.23; block size and node selector before v3.10; BGP export
     * before v3.24) has the default calico-node would use. {@code ipv4PoolSkipped}: {@code CALICO_IPV4POOL_CIDR=none}
     * — calico-node (v3.29+) then does not read {@code CALICO_IPV6POOL_VXLAN} either, which it reads with the IPv4
     * variables ({@code configureIPPools}, node/pkg/lifecycle/startup/startup.go@v3.29.0, @v3.32.1).
     */
    public PoolSettings poolAsRead(PoolSettings pool, boolean ipv4PoolSkipped) {
        boolean readsVxlan = pool.family() == IpFamily.V4 ? hasVxlanPools()
                : readsIpv6PoolVxlan() && !ipv4PoolSkipped;
        boolean readsSizeAndSelector = readsPoolBlockSizeAndNodeSelector();
        return new PoolSettings(pool.family(), pool.cidr(), pool.ipipMode(),
                readsVxlan ? pool.vxlanMode() : EncapsulationMode.NEVER, pool.natOutgoing(),
                readsSizeAndSelector ? pool.blockSize() : PoolSettings.defaultBlockSize(pool.family()),
                readsSizeAndSelector ? pool.nodeSelector() : PoolSettings.DEFAULT_NODE_SELECTOR, pool.cidrNone(),
                pool.disableBgpExport() && readsPoolDisableBgpExport());
    }

    /** What calico-node does with the node's addresses when {@code CALICO_NETWORKING_BACKEND} is {@code none}. */
    public enum PolicyOnly {
        /** Nothing: no detection, no conflict check, no {@code spec.bgp} written. */
        SKIPS_ADDRESSES,
        /** Detects, checks and writes them as with networking (only the AS number is skipped). */
        CONFIGURES_ADDRESSES,
        /** The same, but a node without any address is said at WARNING level, not an error (no {@code bgp}). */
        CONFIGURES_ADDRESSES_NONE_NEEDED_WARNS,
        /** The same, said at INFO level. */
        CONFIGURES_ADDRESSES_NONE_NEEDED;

        /** Whether a node without any address is registered (without {@code bgp}) instead of failing. */
        public boolean noneNeeded() {
            return this == CONFIGURES_ADDRESSES_NONE_NEEDED_WARNS || this == CONFIGURES_ADDRESSES_NONE_NEEDED;
        }

        /** Whether {@code node}'s addresses are detected, checked and written: any backend but none, or this rule. */
        public boolean configuresAddresses(NodeSettings node) {
            return node.configuresNetworking() || this != SKIPS_ADDRESSES;
        }
    }

    /**
     * {@code CALICO_NETWORKING_BACKEND=none} (policy only): addresses skipped in 2.6.x and v3.0–v3.15.1
     * ({@code if CALICO_NETWORKING_BACKEND != "none"} around {@code configureIPsAndSubnets},
     * calico_node/startup/startup.go@v2.6.12, pkg/startup/startup.go@v3.14.0 of projectcalico/node); configured with
     * any backend from v3.15.2 ({@code configureAndCheckIPAddressSubnets} called unconditionally,
     * pkg/startup/startup.go@v3.15.2), no address a warning with that backend from v3.16.3
     * ("Some features may not work properly", a warning @v3.16.3, node/pkg/lifecycle/startup/startup.go@v3.22.1,
     * at info level from v3.24.0); skipped again from v3.26.2 ({@code configureAndCheckIPAddressSubnets} returns at
     * once, @v3.26.2, @v3.32.1).
     */
    public PolicyOnly policyOnly() {
        if (etcdV2() || !release.atLeast(3, 15, 2) || release.atLeast(3, 26, 2)) {
            return PolicyOnly.SKIPS_ADDRESSES;
        }
        if (!release.atLeast(3, 16, 3)) {
            return PolicyOnly.CONFIGURES_ADDRESSES;
        }
        return release.atLeast(3, 24) ? PolicyOnly.CONFIGURES_ADDRESSES_NONE_NEEDED
                : PolicyOnly.CONFIGURES_ADDRESSES_NONE_NEEDED_WARNS;
    }

    /** Whether the node's addresses are detected, checked and written: any backend but none, or {@link #policyOnly}. */
    public boolean configuresAddresses(NodeSettings node) {
        return policyOnly().configuresAddresses(node);
    }

    /**
     * Whether two profiles detect {@code node}'s addresses the same way: both or neither configure them, with the
     * same exclusions and the same bare-address rule, and both or neither record the host's interfaces.
     */
    public boolean detectsLike(ReleaseProfile other, NodeSettings node) {
        return configuresAddresses(node) == other.configuresAddresses(node)
                && bareIpv4BorrowsInterfacePrefix() == other.bareIpv4BorrowsInterfacePrefix()
                && recordsNodeInterfaces() == other.recordsNodeInterfaces()
                && defaultInterfaceExclusions().stream().map(Pattern::pattern).toList().equals(
                        other.defaultInterfaceExclusions().stream().map(Pattern::pattern).toList());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReleaseProfile other && other.release.equals(release);
    }

    @Override
    public int hashCode() {
        return release.hashCode();
    }

    @Override
    public String toString() {
        return "Calico " + release;
    }

    private static List<String> concat(List<String> list, String... more) {
        List<String> result = new java.util.ArrayList<>(list);
        result.addAll(Arrays.asList(more));
        return List.copyOf(result);
    }
}
