package org.calicostartup.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A network namespace made for one etcd member, joined to this host by a veth pair on a random /30 of 10.234.0.0/16:
 * the member inside listens on {@link #insideAddress()}, the others and the clients on {@link #outsideAddress()}.
 * {@link #cut} drops, inside the namespace only (its own firewall, not the host's), every packet between the member
 * and the host but its client connections, so the member stays reachable by clients and loses its peers: a network
 * partition. Needs root, {@code ip} and {@code iptables}. Closing it deletes the namespace and with it the pair.
 */
final class PeerNamespace implements AutoCloseable {

    private final String name;
    private final String hostLink;
    private final String insideAddress;
    private final String outsideAddress;
    private final Thread cleanup;

    private PeerNamespace(String name, String hostLink, String insideAddress, String outsideAddress) {
        this.name = name;
        this.hostLink = hostLink;
        this.insideAddress = insideAddress;
        this.outsideAddress = outsideAddress;
        this.cleanup = new Thread(this::delete, "delete-netns-" + name);
        Runtime.getRuntime().addShutdownHook(cleanup);
    }

    static PeerNamespace create() {
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        int block = ThreadLocalRandom.current().nextInt(256 * 64);
        String prefix = "10.234." + (block / 64) + ".";
        int base = (block % 64) * 4;
        PeerNamespace ns = new PeerNamespace("cs-peer-" + id, "csp" + id + "h", prefix + (base + 2),
                prefix + (base + 1));
        try {
            run("ip", "netns", "add", ns.name);
            run("ip", "link", "add", ns.hostLink, "type", "veth", "peer", "name", "csp" + id + "n", "netns", ns.name);
            run("ip", "addr", "add", ns.outsideAddress + "/30", "dev", ns.hostLink);
            run("ip", "link", "set", ns.hostLink, "up");
            run("ip", "-n", ns.name, "addr", "add", ns.insideAddress + "/30", "dev", "csp" + id + "n");
            run("ip", "-n", ns.name, "link", "set", "csp" + id + "n", "up");
            run("ip", "-n", ns.name, "link", "set", "lo", "up");
            return ns;
        } catch (RuntimeException e) {
            ns.close();
            throw e;
        }
    }

    String name() {
        return name;
    }

    /** The command prefix that runs a program inside the namespace. */
    List<String> exec() {
        return List.of("ip", "netns", "exec", name);
    }

    String insideAddress() {
        return insideAddress;
    }

    String outsideAddress() {
        return outsideAddress;
    }

    /**
     * Drops, in both directions, every packet between the inside member and this host except those of client
     * connections to {@code insideClientPort}: the peers' streams and messages in either direction are lost.
     */
    void cut(int insideClientPort) {
        String port = Integer.toString(insideClientPort);
        run("ip", "netns", "exec", name, "iptables", "-A", "INPUT", "-p", "tcp", "--dport", port, "-j", "ACCEPT");
        run("ip", "netns", "exec", name, "iptables", "-A", "INPUT", "-s", outsideAddress, "-j", "DROP");
        run("ip", "netns", "exec", name, "iptables", "-A", "OUTPUT", "-p", "tcp", "--sport", port, "-j", "ACCEPT");
        run("ip", "netns", "exec", name, "iptables", "-A", "OUTPUT", "-d", outsideAddress, "-j", "DROP");
    }

    /** Removes what {@link #cut} added. */
    void heal() {
        run("ip", "netns", "exec", name, "iptables", "-F", "INPUT");
        run("ip", "netns", "exec", name, "iptables", "-F", "OUTPUT");
    }

    @Override
    public void close() {
        delete();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs delete() again, which is harmless
        }
    }

    private void delete() {
        // Deleting the namespace deletes its end of the pair, and so the pair.
        runQuietly("ip", "netns", "del", name);
        runQuietly("ip", "link", "del", hostLink);
    }

    private static void run(String... command) {
        String failure = execute(command);
        if (failure != null) {
            throw new IllegalStateException("network namespace set-up failed: " + String.join(" ", command) + ": "
                    + failure);
        }
    }

    private static void runQuietly(String... command) {
        execute(command);
    }

    /** Runs {@code command}; null when it succeeded, else what it printed. */
    private static String execute(String... command) {
        List<String> args = new ArrayList<>(List.of(command));
        try {
            Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "no exit within 30 s";
            }
            return process.exitValue() == 0 ? null : "exit " + process.exitValue() + ": " + output;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + args, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
