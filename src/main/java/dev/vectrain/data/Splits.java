/*
 * Splits: a seeded random train/validation split by fraction. The permutation comes from java.util.Random,
 * whose algorithm is specified, so a seed gives the same split on every JDK. Both parts are views of the
 * data (Dataset.select): the features are shared, not copied.
 */
package dev.vectrain.data;

import java.util.Random;

/** Train/validation splitting. */
public final class Splits {
    private Splits() {
    }

    /** The two parts of a split (views sharing the features); {@code validation} is null when the fraction is 0. */
    public record Split(Dataset train, Dataset validation) {
    }

    /**
     * Shuffles the rows with {@code seed} and puts {@code round(fraction · rows)} of them into validation.
     *
     * @throws IllegalArgumentException when the fraction is outside [0, 1) or a part would be empty
     */
    public static Split trainValidation(Dataset data, double fraction, long seed) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in [0, 1), found " + fraction);
        }
        int n = data.rows();
        int nVal = (int) Math.round(fraction * n);
        if (fraction > 0 && nVal == 0) {
            throw new IllegalArgumentException("validation fraction " + fraction + " of " + n
                    + " rows leaves the validation set empty");
        }
        if (n - nVal <= 0) {
            throw new IllegalArgumentException("validation fraction " + fraction + " of " + n
                    + " rows leaves the training set empty");
        }
        if (nVal == 0) {
            return new Split(data, null);
        }
        int[] perm = permutation(n, seed);
        int[] val = new int[nVal];
        int[] train = new int[n - nVal];
        System.arraycopy(perm, 0, val, 0, nVal);
        System.arraycopy(perm, nVal, train, 0, n - nVal);
        java.util.Arrays.sort(val);
        java.util.Arrays.sort(train);
        return new Split(data.select(train), data.select(val));
    }

    /** A Fisher–Yates permutation of 0..n-1 driven by {@code new Random(seed)}. */
    public static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        Random rnd = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
