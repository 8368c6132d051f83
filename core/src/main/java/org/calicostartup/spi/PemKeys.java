package org.calicostartup.spi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.calicostartup.StartupException;

/**
 * The client key check both datastores share: {@code ETCD_KEY_FILE} must hold an unencrypted PKCS#8 key
 * ({@code -----BEGIN PRIVATE KEY-----}); any other form is named with the command that converts it, before any
 * connection is attempted.
 */
public final class PemKeys {

    private static final Pattern PKCS8 =
            Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private PemKeys() {
    }

    /** The DER bytes of the PKCS#8 key in {@code file}. */
    public static byte[] pkcs8(Path file) {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new StartupException(StartupException.Reason.CONFIGURATION, "The file " + file
                    + " named by ETCD_KEY_FILE cannot be read: " + e, e);
        }
        Matcher matcher = PKCS8.matcher(pem);
        if (!matcher.find()) {
            String found = pem.contains("BEGIN RSA PRIVATE KEY") ? "a PKCS#1 RSA key"
                    : pem.contains("BEGIN EC PRIVATE KEY") ? "a SEC1 EC key"
                    : pem.contains("BEGIN ENCRYPTED PRIVATE KEY") ? "an encrypted key" : "no private key";
            throw new StartupException(StartupException.Reason.CONFIGURATION, "The file " + file + " named by "
                    + "ETCD_KEY_FILE holds " + found + "; an unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----) "
                    + "is needed: convert it with openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem");
        }
        try {
            return Base64.getMimeDecoder().decode(matcher.group(1));
        } catch (IllegalArgumentException e) {
            throw new StartupException(StartupException.Reason.CONFIGURATION, "The file " + file + " named by "
                    + "ETCD_KEY_FILE holds a PKCS#8 block that is not valid base64", e);
        }
    }
}
