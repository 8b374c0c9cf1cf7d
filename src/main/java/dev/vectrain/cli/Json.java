/*
 * Json: a tiny ordered JSON object writer for summary.json (strings, numbers, booleans, null, nested
 * objects). Non-finite numbers become null. Not a parser.
 */
package dev.vectrain.cli;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** An ordered JSON object. */
final class Json {
    private final Map<String, Object> fields = new LinkedHashMap<>();

    Json put(String key, Object value) {
        fields.put(key, value);
        return this;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        write(sb, this, 0);
        return sb.append('\n').toString();
    }

    private static void write(StringBuilder sb, Object v, int indent) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Json j) {
            sb.append("{\n");
            int i = 0;
            for (Map.Entry<String, Object> e : j.fields.entrySet()) {
                sb.append("  ".repeat(indent + 1));
                string(sb, e.getKey());
                sb.append(": ");
                write(sb, e.getValue(), indent + 1);
                sb.append(++i < j.fields.size() ? ",\n" : "\n");
            }
            sb.append("  ".repeat(indent)).append('}');
        } else if (v instanceof Boolean b) {
            sb.append(b);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (!Double.isFinite(d)) {
                sb.append("null");
            } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                sb.append((long) d);
            } else {
                sb.append(String.format(Locale.ROOT, "%.6g", d).replaceFirst("(\\.\\d*?)0+(e|$)", "$1$2")
                        .replace(".e", "e").replaceFirst("\\.$", ""));
            }
        } else if (v instanceof Number n) {
            sb.append(n);
        } else if (v instanceof int[] a) {
            sb.append('[');
            for (int k = 0; k < a.length; k++) {
                sb.append(k > 0 ? ", " : "").append(a[k]);
            }
            sb.append(']');
        } else {
            string(sb, v.toString());
        }
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
