package org.calicostartup.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import org.calicostartup.StartupException;
import org.calicostartup.autodetect.AutodetectionMethod;
import org.calicostartup.autodetect.internal.DetectedAddress;
import org.calicostartup.autodetect.internal.IpAutodetector;
import org.calicostartup.config.AddressSetting;
import org.calicostartup.config.ClaimsCoverSettings;
import org.calicostartup.config.DatastoreType;
import org.calicostartup.config.PoolSettings;
import org.calicostartup.config.StartupConfig;
import org.calicostartup.net.IpFamily;
import org.calicostartup.profile.ReleaseProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Reads calico-node's environment, resolves the node name and autodetects the addresses exactly as a startup would,
 * and prints the result. Talks to no datastore and writes nothing.
 */
@Command(name = "show-config", mixinStandardHelpOptions = true,
        footerHeading = EnvironmentHelp.HEADING, footer = {EnvironmentHelp.DATASTORE, EnvironmentHelp.NODE, EnvironmentHelp.POOLS},
        description = {"Print the configuration read from calico-node's environment; no datastore I/O.",
            "Shows the node name it resolves and the addresses it autodetects on this host,",
            "exactly as a startup would. Reads no datastore and writes nothing."})
final class ShowConfigCommand implements Callable<Integer> {

    private final Map<String, String> env;

    @Spec
    CommandSpec spec;

    ShowConfigCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        Logging.toStandardError();
        StartupConfig config = StartupConfig.fromEnvironment(env);
        PrintWriter out = spec.commandLine().getOut();
        var datastore = config.datastore();
        var node = config.node();
        // The release the settings are read as: the configured one, else the datastore's default.
        ReleaseProfile release = config.profileBeforeReading();
        row(out, "Node name", node.name() + " (from " + node.name().source() + ")");
        row(out, "Datastore", datastore.type().envValue() + " at " + datastore.endpointList());
        row(out, "Calico release", config.calicoVersion().map(v -> v + " (CALICO_STARTUP_CALICO_VERSION)")
                .orElse("the one the cluster records, else " + release.release()));
        row(out, "TLS", datastore.tls().map(t -> "CA " + t.caCertFile()
                + t.certFile().map(c -> ", client certificate " + c).orElse("")).orElse("off"));
        row(out, "Authentication", datastore.credentials().map(c -> "user " + c.username()).orElse("none"));
        row(out, "Deadlines", "each request " + datastore.requestTimeout().toMillis() + " ms, whole startup "
                + config.startupTimeout().toSeconds() + " s");
        // With CALICO_NETWORKING_BACKEND=none, v3.15.2–v3.26.1 still configure the addresses (ReleaseProfile).
        boolean addresses = release.configuresAddresses(node);
        if (addresses) {
            row(out, "IPv4", address(config.node().ipv4(), node.ipv4Method(), IpFamily.V4));
            row(out, "IPv6", address(config.node().ipv6(), node.ipv6Method(), IpFamily.V6));
        }
        if (node.configuresNetworking()) {
            row(out, "AS number", node.asNumber().isPresent() ? Long.toString(node.asNumber().getAsLong())
                    : "the node's stored value, else the global default");
        } else {
            row(out, addresses ? "AS number" : "IPv4/IPv6/AS", "not configured (CALICO_NETWORKING_BACKEND=none"
                    + (addresses || config.calicoVersion().isPresent() ? ""
                            : "; addresses are, if the cluster records Calico v3.15.2-v3.26.1") + ")");
        }
        row(out, "Conflict check", node.disableNodeIpCheck() ? "off (DISABLE_NODE_IP_CHECK=true)"
                : "when an address changes");
        if (datastore.type() == DatastoreType.ETCDV3 && addresses) {
            row(out, "Claims cover", claimsCover(config.claimsCover()));
        }
        row(out, "Orchestrator ref", release.k8sNodeRef(node).map(r -> "k8s node " + r)
                .orElse(node.k8sNodeRef().isPresent() ? "none (CALICO_K8S_NODE_REF is not read by Calico v3.0)"
                        : "none"));
        if (config.noDefaultPools()) {
            row(out, "Default pools", "none (NO_DEFAULT_POOLS)");
        } else {
            // As the release reads the pool variables (block size and selector from v3.10, VXLAN from v3.7/v3.23).
            row(out, "Default IPv4 pool", pool(release.poolAsRead(config.ipv4Pool(), false), release));
            row(out, "Default IPv6 pool", config.ipv6Supported() ? pool(release.poolAsRead(config.ipv6Pool(),
                    config.ipv4Pool().cidrNone()), release)
                    : "none (FELIX_IPV6SUPPORT=false)");
        }
        row(out, "Cluster type", config.clusterType().isEmpty() ? "(unchanged)" : String.join(",",
                config.clusterType()));
        row(out, "Wait for datastore", Boolean.toString(config.waitForDatastore()));
        row(out, "Nodename file", release.writesStartupEnv()
                ? "none (" + release.release() + " writes " + config.startupEnvFile() + ")"
                : config.naming().nodenameFile(release.naming()).toString());
        out.flush();
        return ExitCodes.OK;
    }

    /** What {@code CALICO_STARTUP_CLAIMS_COVER_MIN_NODES} and {@code CALICO_STARTUP_CHANGED_NODES} mean here. */
    private static String claimsCover(ClaimsCoverSettings cover) {
        String created = cover.minNodes() == Integer.MAX_VALUE ? "never created (a stored one is still used)"
                : "created from " + cover.minNodes() + " nodes";
        String changed = cover.changedNodes() == ClaimsCoverSettings.ChangedNodes.WATCH
                ? "changed nodes by a watch (3 round trips when addresses change)"
                : "changed nodes read newest first (2 round trips)";
        return created + ", " + changed;
    }

    private static String address(AddressSetting setting, AutodetectionMethod method, IpFamily family) {
        switch (setting.mode()) {
            case FIXED:
                return setting.address().orElseThrow() + " (from the environment)";
            case NONE:
                return "none: keep the stored address";
            case KEEP:
                if (family == IpFamily.V6) {
                    return "keep the stored address (IP6 unset)";
                }
                return "keep the stored address; if none, " + detect(method, family);
            default:
                return detect(method, family);
        }
    }

    private static String detect(AutodetectionMethod method, IpFamily family) {
        try {
            DetectedAddress detected = IpAutodetector.system().detect(method, family);
            return "autodetect with " + method.text() + ": " + detected.address() + " on "
                    + detected.interfaceName();
        } catch (StartupException e) {
            return "autodetect with " + method.text() + ": FAILS here: " + e.getMessage();
        }
    }

    private static String pool(PoolSettings pool, ReleaseProfile release) {
        if (pool.cidrNone()) {
            return "none (no default pool of this family; Calico v3.29+)";
        }
        String defaultCidr = pool.family() == org.calicostartup.net.IpFamily.V4
                ? "192.168.0.0/16 (from Calico v3.14: the first of it and 172.16-31.0.0/16 that holds no host address)"
                : release.fixedDefaultIpv6Pool().map(Object::toString).orElse("a random ULA /48");
        return pool.cidr().map(Object::toString).orElse(defaultCidr) + ", block /" + pool.blockSize() + ", IPIP " + pool.ipipMode().calicoName()
                + ", VXLAN " + pool.vxlanMode().calicoName() + ", NAT outgoing " + pool.natOutgoing()
                + ", nodes " + pool.nodeSelector() + " (created only if no pool of the family exists)";
    }

    private static void row(PrintWriter out, String name, String value) {
        out.printf("%-20s %s%n", name + ":", value);
    }
}
