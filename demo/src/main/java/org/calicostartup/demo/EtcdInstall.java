package org.calicostartup.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.calicostartup.StartupException;

/** Makes sure an etcd server binary is there for {@code demo}: Debian's etcd-server, installed when run as root. */
final class EtcdInstall {

    private EtcdInstall() {
    }

    static void ensureEtcd(PrintWriter out) throws IOException, InterruptedException {
        if (System.getenv("ETCD_BIN") != null || Files.isExecutable(Path.of("/usr/bin/etcd")) || onPath()) {
            return;
        }
        boolean root = "0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes())
                .trim());
        if (!root) {
            throw new StartupException(StartupException.Reason.CONFIGURATION, "demo needs an etcd server and none "
                    + "is installed: as root, apt-get install -y etcd-server (or set ETCD_BIN)");
        }
        out.println("Installing Debian's etcd-server (apt-get) ...");
        out.flush();
        run("apt-get", "update", "-qq");
        run("apt-get", "install", "-y", "-qq", "--no-install-recommends", "etcd-server");
    }

    private static boolean onPath() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "etcd"))) {
                return true;
            }
        }
        return false;
    }

    private static void run(String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
        int code = builder.start().waitFor();
        if (code != 0) {
            throw new StartupException(StartupException.Reason.CONFIGURATION, String.join(" ", command)
                    + " failed with exit code " + code + "; install etcd-server by hand");
        }
    }
}
