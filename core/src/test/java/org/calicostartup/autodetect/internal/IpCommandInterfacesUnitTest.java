package org.calicostartup.autodetect.internal;

import org.calicostartup.autodetect.HostInterface;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing of {@code ip -json address show}: links by index, addresses in the order printed. */
class IpCommandInterfacesUnitTest {

    @Test
    void keepsNetlinkAddressOrderAndSortsLinksByIndex() throws Exception {
        String json = "[{\"ifindex\":3,\"ifname\":\"eth1\",\"addr_info\":[{\"family\":\"inet\",\"local\":\"10.1.0.5\","
                + "\"prefixlen\":24},{\"family\":\"inet\",\"local\":\"10.1.0.100\",\"prefixlen\":24},"
                + "{\"family\":\"inet6\",\"local\":\"fd01::2\",\"prefixlen\":64},{\"family\":\"inet6\","
                + "\"local\":\"fd01::1\",\"prefixlen\":64}]},{\"ifindex\":1,\"ifname\":\"lo\",\"addr_info\":["
                + "{\"family\":\"inet\",\"local\":\"127.0.0.1\",\"prefixlen\":8}]},{\"ifindex\":2,\"ifname\":\"eth0\","
                + "\"addr_info\":[]}]";
        List<HostInterface> parsed = IpCommandInterfaces.parse(json.getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(HostInterface.of("lo", "127.0.0.1/8"), HostInterface.of("eth0"),
                HostInterface.of("eth1", "10.1.0.5/24", "10.1.0.100/24", "fd01::2/64", "fd01::1/64")), parsed);
    }
}
