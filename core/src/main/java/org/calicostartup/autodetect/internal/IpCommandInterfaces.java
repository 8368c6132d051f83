package org.calicostartup.autodetect.internal;

import org.calicostartup.autodetect.HostInterface;
import org.calicostartup.autodetect.InterfaceSource;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.calicostartup.internal.JsonTrees;
import org.calicostartup.net.CidrAddress;

/**
 * The host's interfaces and addresses as netlink lists them, read with iproute2's {@code ip -json address show}.
 *
 * <p>Calico reads interfaces with Go's {@code net.Interfaces()} and each interface's addresses with
 * {@code Interface.Addrs()}, both netlink dumps: links by index, and addresses in the kernel's order — for IPv4 the
 * primary address before its secondaries, for IPv6 newest first. {@code ip} prints the same dumps in the same order.
 * Java's {@code NetworkInterface} does not (it lists IPv4 addresses in reverse and reads IPv6 from
 * {@code /proc/net/if_inet6}, in hash order), so a host with a floating VIP as a secondary address would register the
 * VIP. {@code ip} is part of every Linux distribution's base system and of the calico-startup image; calling it costs
 * one short process, which is cheaper and far smaller than a netlink binding through JNI.
 */
public final class IpCommandInterfaces implements InterfaceSource {

    private static final List<Path> LOCATIONS = List.of(Path.of("/usr/sbin/ip"), Path.of("/sbin/ip"),
            Path.of("/usr/bin/ip"), Path.of("/bin/ip"));
    private static final long TIMEOUT_SECONDS = 5;

    private final Path ip;
    private final Optional<String> namespace;

    private IpCommandInterfaces(Path ip, Optional<String> namespace) {
        this.ip = ip;
        this.namespace = namespace;
    }

    /** The {@code ip} of this host, if it has one. */
    public static Optional<IpCommandInterfaces> find() {
        return LOCATIONS.stream().filter(Files::isExecutable).findFirst().map(p -> new IpCommandInterfaces(p,
                Optional.empty()));
    }

    /** The interfaces of the named network namespace ({@code ip -n NAME}), for a tool or test that made it. */
    public IpCommandInterfaces inNamespace(String name) {
        return new IpCommandInterfaces(ip, Optional.of(name));
    }

    @Override
    public List<HostInterface> interfaces() throws IOException {
        List<String> command = new ArrayList<>(List.of(ip.toString()));
        namespace.ifPresent(ns -> command.addAll(List.of("-n", ns)));
        command.addAll(List.of("-json", "address", "show"));
        Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
        byte[] out;
        try (var stdout = process.getInputStream()) {
            out = stdout.readAllBytes();
        }
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + String.join(" ", command), e);
        }
        if (process.exitValue() != 0) {
            String err = new String(process.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            throw new IOException(String.join(" ", command) + " exited with " + process.exitValue() + ": "
                    + err.strip());
        }
        return parse(out);
    }

    /** Parses {@code ip -json address show}: links sorted by index, addresses in the order printed. */
    static List<HostInterface> parse(byte[] json) throws IOException {
        JsonNode root = JsonTrees.read(JsonTrees.DEFAULT, json);
        if (!root.isArray()) {
            throw new IOException("ip -json address show did not print a JSON array");
        }
        List<JsonNode> links = new ArrayList<>();
        root.forEach(links::add);
        links.sort(Comparator.comparingInt(link -> link.path("ifindex").asInt()));
        List<HostInterface> result = new ArrayList<>(links.size());
        for (JsonNode link : links) {
            List<CidrAddress> addresses = new ArrayList<>();
            for (JsonNode info : link.path("addr_info")) {
                String family = info.path("family").asText();
                if (!family.equals("inet") && !family.equals("inet6")) {
                    continue;
                }
                CidrAddress.parse(info.path("local").asText() + "/" + info.path("prefixlen").asInt())
                        .ifPresent(addresses::add);
            }
            result.add(new HostInterface(link.path("ifname").asText(), addresses));
        }
        return result;
    }
}
