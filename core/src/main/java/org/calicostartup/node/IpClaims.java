package org.calicostartup.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.util.Optional;
import org.calicostartup.internal.JsonTrees;
import org.calicostartup.net.CidrAddress;
import org.calicostartup.net.IpFamily;

/**
 * calico-startup's per-IP ownership claims, the same keys and values on both datastores:
 * {@code /calico/startup/v1/ipclaims/<ipv4|ipv6>/<ip>} = {@code {"node":"<name>"}}, outside Calico's own keys.
 */
public final class IpClaims {

    /** The prefix of every claim key. */
    public static final String PREFIX = "/calico/startup/v1/ipclaims/";

    private IpClaims() {
    }

    /** The claim key of an address (its IP in canonical text; the prefix length is not part of it). */
    public static String key(CidrAddress address) {
        return PREFIX + (address.family() == IpFamily.V4 ? "ipv4/" : "ipv6/") + address.ip();
    }

    /** The claim value naming {@code nodeName}. */
    public static String value(String nodeName) {
        return JsonTrees.string(JsonNodeFactory.instance.objectNode().put("node", nodeName));
    }

    /** The node a claim value names; empty if the value is not a claim. */
    public static Optional<String> holder(String value) {
        try {
            JsonNode json = JsonTrees.read(JsonTrees.DEFAULT, value);
            return json.path("node").isTextual() ? Optional.of(json.path("node").asText())
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
