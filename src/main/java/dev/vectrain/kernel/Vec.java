/*
 * Vec: the one vector species of the whole code base, chosen once at class load.
 * It is not a kernel and holds no mutable state. Keep SPECIES static final: a species held in a
 * non-final field or passed as a parameter stops the JIT from compiling vector code.
 */
package dev.vectrain.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector species used by every kernel. Defaults to {@link FloatVector#SPECIES_PREFERRED}; the
 * system property {@code vectrain.species} ({@code 128}, {@code 256}, {@code 512} or
 * {@code preferred}) overrides it for A/B runs.
 */
public final class Vec {
    /** The float species every kernel uses. */
    public static final VectorSpecies<Float> SPECIES = choose(System.getProperty("vectrain.species", "preferred"));
    /** Number of float lanes in {@link #SPECIES}. */
    public static final int LANES = SPECIES.length();

    private Vec() {
    }

    static VectorSpecies<Float> choose(String name) {
        return switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "preferred", "" -> FloatVector.SPECIES_PREFERRED;
            case "128" -> FloatVector.SPECIES_128;
            case "256" -> FloatVector.SPECIES_256;
            case "512" -> FloatVector.SPECIES_512;
            default -> throw new IllegalArgumentException(
                    "vectrain.species: expected 128, 256, 512 or preferred, found '" + name + "'");
        };
    }
}
