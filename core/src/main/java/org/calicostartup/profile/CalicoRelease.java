package org.calicostartup.profile;

import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A calico-node release, {@code vMAJOR.MINOR.PATCH}. Supported: every 2.6.x (etcd v2) and every 3.x from 3.0 to
 * 3.32 (etcd v3); patch numbers are not checked against a list of published tags.
 */
public record CalicoRelease(int major, int minor, int patch) implements Comparable<CalicoRelease> {

    /** The release an etcd v2 cluster gets when neither the configuration nor the cluster names one. */
    public static final CalicoRelease DEFAULT_V2 = new CalicoRelease(2, 6, 12);
    /** The newest supported release: what an etcd v3 cluster gets when nothing names one. */
    public static final CalicoRelease NEWEST_V3 = new CalicoRelease(3, 32, 1);
    /** The supported range, as error messages state it. */
    public static final String SUPPORTED = "v2.6.x (etcd v2) or v3.0.x to v3.32.x (etcd v3), such as v2.6.12 or "
            + "v3.22.1";

    private static final Pattern VERSION = Pattern.compile("v?([0-9]{1,4})\\.([0-9]{1,4})\\.([0-9]{1,4})");
    private static final Comparator<CalicoRelease> ORDER = Comparator.comparingInt(CalicoRelease::major)
            .thenComparingInt(CalicoRelease::minor).thenComparingInt(CalicoRelease::patch);

    public CalicoRelease {
        if (major < 0 || minor < 0 || patch < 0) {
            throw new IllegalArgumentException("negative version component");
        }
    }

    /** {@code v3.22.1} or {@code 3.22.1}; anything else (suffixes included) is empty. */
    public static Optional<CalicoRelease> parse(String text) {
        Matcher m = VERSION.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new CalicoRelease(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                Integer.parseInt(m.group(3))));
    }

    /** A supported release named by {@code text}: parsed and in range, else empty. */
    public static Optional<CalicoRelease> supported(String text) {
        return parse(text).filter(CalicoRelease::isSupported);
    }

    public boolean isSupported() {
        return (major == 2 && minor == 6) || (major == 3 && minor <= 32);
    }

    /** Calico 2.x stores its data with etcd's v2 API; 3.x with the v3 API. */
    public boolean usesEtcdV2() {
        return major == 2;
    }

    /** At least {@code major.minor.patch}. */
    public boolean atLeast(int major, int minor, int patch) {
        return compareTo(new CalicoRelease(major, minor, patch)) >= 0;
    }

    /** At least {@code major.minor.0}. */
    public boolean atLeast(int major, int minor) {
        return atLeast(major, minor, 0);
    }

    @Override
    public int compareTo(CalicoRelease other) {
        return ORDER.compare(this, other);
    }

    // equals and hashCode are written out: a record's own are bound through method handles on first use, which costs
    // a cold `run` several milliseconds of generated classes (ColdStartMeasure).
    @Override
    public boolean equals(Object other) {
        return other instanceof CalicoRelease r && r.major == major && r.minor == minor && r.patch == patch;
    }

    @Override
    public int hashCode() {
        return (major * 31 + minor) * 31 + patch;
    }

    /** As calico-node records it: {@code v3.22.1}. */
    @Override
    public String toString() {
        return "v" + major + "." + minor + "." + patch;
    }
}
