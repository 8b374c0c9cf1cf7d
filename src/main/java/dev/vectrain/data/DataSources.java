/*
 * DataSources: turns a --data argument into training and test datasets (not yet standardized). It knows the
 * MNIST-family file layout (train-images-idx3-ubyte[.gz], t10k-...), CSV files, the system-wide
 * Fashion-MNIST from the Debian package dataset-fashion-mnist, and the small real sample bundled in the jar.
 * It does not standardize, split or train.
 */
package dev.vectrain.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Locating and loading datasets. */
public final class DataSources {
    /**
     * Where Debian's dataset-fashion-mnist installs the four IDX files; the system property
     * {@code vectrain.fashionMnistDir} overrides it (e.g. to force the bundled sample).
     */
    public static final Path SYSTEM_FASHION_MNIST =
            Path.of(System.getProperty("vectrain.fashionMnistDir", "/usr/share/datasets/fashion-mnist"));
    /** Class names of Fashion-MNIST, index = label. */
    public static final List<String> FASHION_MNIST_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover",
            "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    private static final String SAMPLE = "/dev/vectrain/data/fashion-mnist-sample/";

    private DataSources() {
    }

    /**
     * Loaded data.
     *
     * @param train       the training file's samples (validation is split from these later)
     * @param test        the test set, or null when there is none
     * @param description where the data came from, for the log
     * @param bundled     true when the jar's small sample is used
     * @param classNames  names per class, or null
     */
    public record Loaded(Dataset train, Dataset test, String description, boolean bundled, List<String> classNames) {
    }

    /**
     * Loads {@code data} (an IDX directory, an IDX image file, a CSV file or a directory with train.csv), or
     * the default data when null: system Fashion-MNIST, else the bundled sample.
     *
     * @param test    an explicit test file (CSV or IDX images), or null to use the one next to the data
     * @param classes the number of classes, or 0 to infer it (max training label + 1)
     */
    public static Loaded load(Path data, Path test, CsvReader.Options csv, int classes) throws IOException {
        if (data == null) {
            if (hasIdx(SYSTEM_FASHION_MNIST, "train") && hasIdx(SYSTEM_FASHION_MNIST, "t10k")) {
                Loaded l = loadIdxDir(SYSTEM_FASHION_MNIST, classes > 0 ? classes : 10);
                return new Loaded(l.train(), l.test(), "Fashion-MNIST from " + SYSTEM_FASHION_MNIST + " ("
                        + l.train().rows() + " train / " + l.test().rows() + " test images)", false,
                        FASHION_MNIST_CLASSES);
            }
            return bundledSample();
        }
        if (!Files.exists(data)) {
            throw new DataException(data + ": file not found (--data)");
        }
        Loaded l;
        if (Files.isDirectory(data)) {
            if (hasIdx(data, "train")) {
                l = loadIdxDir(data, classes);
            } else if (Files.isRegularFile(data.resolve("train.csv"))) {
                Path t = data.resolve("test.csv");
                l = loadCsv(data.resolve("train.csv"), Files.isRegularFile(t) ? t : null, csv, classes);
            } else {
                throw new DataException(data + ": no training data found: expected train-images-idx3-ubyte[.gz] "
                        + "with train-labels-idx1-ubyte[.gz], or train.csv");
            }
        } else if (isCsv(data)) {
            l = loadCsv(data, null, csv, classes);
        } else {
            Path labels = labelsFor(data);
            Dataset train = IdxReader.read(data, labels, classes > 0 ? classes : 256);
            train = classes > 0 ? train : withInferredClasses(train);
            l = new Loaded(train, null, "IDX " + data, false, null);
        }
        if (test != null) {
            Dataset t = loadTestFile(test, csv, l.train().classes());
            l = new Loaded(l.train(), t, l.description() + ", test " + test, false, l.classNames());
        }
        if (l.test() != null && l.test().featureCount() != l.train().featureCount()) {
            throw new DataException("the test data has " + l.test().featureCount() + " features but the training data has "
                    + l.train().featureCount());
        }
        return l;
    }

    /** The real Fashion-MNIST sample inside the jar: 4000 training and 1000 test images. */
    public static Loaded bundledSample() throws IOException {
        Dataset train = readResource("train", 10);
        Dataset test = readResource("t10k", 10);
        return new Loaded(train, test, "Fashion-MNIST sample inside the jar (" + train.rows() + " train / "
                + test.rows() + " test images; install the Debian package dataset-fashion-mnist for the full "
                + "60000 + 10000)", true, FASHION_MNIST_CLASSES);
    }

    /** Reads the features of a file to predict on: IDX images or CSV (a "label" column, if any, is dropped). */
    public static CsvReader.Table loadFeatures(Path input, CsvReader.Options csv) throws IOException {
        if (!Files.exists(input)) {
            throw new DataException(input + ": file not found");
        }
        if (isCsv(input)) {
            return CsvReader.readTable(input, csv, false);
        }
        IdxReader.Images im = IdxReader.readImages(input);
        return new CsvReader.Table(im.pixels(), im.count(), im.featureCount(), null, List.of());
    }

    /** Reads labelled data for evaluation: an IDX directory's test split, an IDX image file, or a CSV file. */
    public static Dataset loadLabelled(Path data, CsvReader.Options csv, int classes) throws IOException {
        if (!Files.exists(data)) {
            throw new DataException(data + ": file not found (--data)");
        }
        if (Files.isDirectory(data)) {
            if (hasIdx(data, "t10k")) {
                return IdxReader.read(idx(data, "t10k", "images-idx3"), idx(data, "t10k", "labels-idx1"), classes);
            }
            if (Files.isRegularFile(data.resolve("test.csv"))) {
                return CsvReader.read(data.resolve("test.csv"), csv, classes);
            }
            throw new DataException(data + ": no test data found: expected t10k-images-idx3-ubyte[.gz] with "
                    + "t10k-labels-idx1-ubyte[.gz], or test.csv");
        }
        return loadTestFile(data, csv, classes);
    }

    private static Dataset loadTestFile(Path test, CsvReader.Options csv, int classes) throws IOException {
        if (!Files.exists(test)) {
            throw new DataException(test + ": file not found");
        }
        if (isCsv(test)) {
            return CsvReader.read(test, csv, classes);
        }
        return IdxReader.read(test, labelsFor(test), classes);
    }

    private static Loaded loadCsv(Path train, Path test, CsvReader.Options csv, int classes) throws IOException {
        Dataset tr = CsvReader.read(train, csv, classes);
        Dataset te = test == null ? null : CsvReader.read(test, csv, tr.classes());
        return new Loaded(tr, te, "CSV " + train + (test == null ? "" : " and " + test), false, null);
    }

    private static Loaded loadIdxDir(Path dir, int classes) throws IOException {
        int bound = classes > 0 ? classes : 256;
        Dataset train = IdxReader.read(idx(dir, "train", "images-idx3"), idx(dir, "train", "labels-idx1"), bound);
        if (classes <= 0) {
            train = withInferredClasses(train);
        }
        Dataset test = null;
        if (hasIdx(dir, "t10k")) {
            test = IdxReader.read(idx(dir, "t10k", "images-idx3"), idx(dir, "t10k", "labels-idx1"), train.classes());
            if (test.featureCount() != train.featureCount()) {
                throw new DataException(idx(dir, "t10k", "images-idx3") + ": images have " + test.featureCount()
                        + " pixels but the training images have " + train.featureCount());
            }
        }
        return new Loaded(train, test, "IDX files in " + dir, false, null);
    }

    private static Dataset withInferredClasses(Dataset d) {
        int max = 0;
        for (int l : d.labels()) {
            max = Math.max(max, l);
        }
        return d.withClasses(Math.max(2, max + 1));
    }

    private static Dataset readResource(String split, int classes) throws IOException {
        String images = SAMPLE + split + "-images-idx3-ubyte.gz";
        String labels = SAMPLE + split + "-labels-idx1-ubyte.gz";
        InputStream im = DataSources.class.getResourceAsStream(images);
        InputStream lb = DataSources.class.getResourceAsStream(labels);
        if (im == null || lb == null) {
            throw new DataException("the bundled Fashion-MNIST sample is missing from the jar (" + images + ")");
        }
        IdxReader.ImageBytes imgs = IdxReader.readImageBytes("jar:" + images, im);
        int[] labs = IdxReader.readLabels("jar:" + labels, lb, classes);
        if (imgs.count() != labs.length) {
            throw new DataException("jar:" + images + " has " + imgs.count() + " images but " + labs.length + " labels");
        }
        return IdxReader.dataset(imgs, labs, classes);
    }

    private static boolean isCsv(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".csv") || n.endsWith(".txt") || n.endsWith(".tsv");
    }

    private static boolean hasIdx(Path dir, String split) {
        return idx(dir, split, "images-idx3") != null && idx(dir, split, "labels-idx1") != null;
    }

    /** Finds {split}-{kind}-ubyte, {split}-{kind}.ubyte variants, optionally .gz; null when absent. */
    private static Path idx(Path dir, String split, String kind) {
        String dotted = kind.replace("-idx", ".idx");
        for (String name : new String[] {split + "-" + kind + "-ubyte", split + "-" + dotted + "-ubyte"}) {
            for (String ext : new String[] {"", ".gz"}) {
                Path p = dir.resolve(name + ext);
                if (Files.isRegularFile(p)) {
                    return p;
                }
            }
        }
        return null;
    }

    /** The label file next to an IDX image file (…images-idx3… → …labels-idx1…). */
    private static Path labelsFor(Path images) throws DataException {
        String name = images.getFileName().toString();
        String lname = name.replace("images-idx3", "labels-idx1").replace("images.idx3", "labels.idx1");
        if (lname.equals(name)) {
            throw new DataException(images + ": cannot find its label file: the name should contain 'images-idx3' "
                    + "(its labels then sit next to it as '...labels-idx1...')");
        }
        Path p = images.resolveSibling(lname);
        if (!Files.exists(p)) {
            throw new DataException(p + ": file not found (the labels for " + images + ")");
        }
        return p;
    }
}
