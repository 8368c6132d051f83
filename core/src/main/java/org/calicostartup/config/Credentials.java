package org.calicostartup.config;

import java.util.Objects;

/** etcd user name and password. The password never appears in {@link #toString()}. */
public record Credentials(String username, String password) {

    public Credentials {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
        return "Credentials[username=" + username + ", password=<redacted>]";
    }
}
