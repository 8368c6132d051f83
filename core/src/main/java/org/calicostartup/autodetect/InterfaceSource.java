package org.calicostartup.autodetect;

import java.io.IOException;
import java.util.List;

/**
 * Where the host's interfaces come from. The default reads the real ones, in netlink order as Calico does; tests and
 * agents that know better can supply their own.
 */
@FunctionalInterface
public interface InterfaceSource {

    /** The host's interfaces in kernel order (ascending interface index), as Go's {@code net.Interfaces()} lists them. */
    List<HostInterface> interfaces() throws IOException;
}
