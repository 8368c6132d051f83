package org.calicostartup.testing;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Every etcd process this JVM started, destroyed at JVM exit even if a test never closed its cluster. */
final class EtcdProcesses {

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "etcd-reaper"));
    }

    private EtcdProcesses() {
    }

    static void register(Process process) {
        LIVE.add(process);
    }

    static void unregister(Process process) {
        LIVE.remove(process);
    }
}
