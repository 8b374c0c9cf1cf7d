/*
 * Plots: the PNG pictures the CLI writes (loss per epoch with the best / early-stopping epoch marked, the
 * learning rate per step, the lr-finder curve), drawn headless with XChart and written atomically.
 * It knows nothing about training; it gets arrays.
 */
package dev.vectrain.cli;

import dev.vectrain.io.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG plots for training runs. */
final class Plots {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 540;

    private Plots() {
    }

    /**
     * Training and validation loss per epoch; a vertical line marks the best epoch and the title says whether
     * training stopped early.
     *
     * @param val        validation loss per epoch, or null / NaN entries when there is no validation set
     * @param bestEpoch  1-based epoch of the best validation loss, or 0 for none
     * @param stoppedEarly true when early stopping ended the run
     */
    static void loss(Path file, double[] epochs, double[] train, double[] val, int bestEpoch, boolean stoppedEarly)
            throws IOException {
        XYChart c = chart("Loss per epoch" + (stoppedEarly ? " — stopped early, best epoch " + bestEpoch
                : bestEpoch > 0 ? " — best epoch " + bestEpoch : ""), "epoch", "cross-entropy loss");
        addSeries(c, "training loss", epochs, train, new Color(31, 119, 180));
        if (val != null && hasFinite(val)) {
            addSeries(c, "validation loss", epochs, val, new Color(255, 127, 14));
        }
        if (bestEpoch > 0) {
            AnnotationLine line = new AnnotationLine(bestEpoch, true, false);
            c.addAnnotation(line);
            c.getStyler().setAnnotationLineColor(new Color(44, 160, 44));
            c.getStyler().setAnnotationLineStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
                    10f, new float[] {6f, 4f}, 0f));
            // The line's meaning goes into the legend (a text label would collide with it or the plot edge).
            XYSeries key = c.addSeries((stoppedEarly ? "early stopping: best epoch " : "best epoch ") + bestEpoch,
                    new double[] {bestEpoch}, new double[] {val != null && hasFinite(val) ? val[bestEpoch - 1] : train[bestEpoch - 1]});
            key.setLineColor(new Color(44, 160, 44));
            key.setMarkerColor(new Color(44, 160, 44));
            key.setMarker(SeriesMarkers.DIAMOND);
            key.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        }
        c.getStyler().setXAxisDecimalPattern("0");
        if (epochs.length > 15) {
            // With many equally spaced epochs XChart would label each one; an invisible point half an epoch
            // further restores its ordinary tick spacing.
            XYSeries pad = c.addSeries(" ", new double[] {epochs[epochs.length - 1] + 0.5}, new double[] {train[train.length - 1]});
            pad.setMarker(SeriesMarkers.NONE);
            pad.setShowInLegend(false);
            pad.setLineColor(new Color(0, 0, 0, 0));
        }
        write(file, c);
    }

    /** The learning rate used at every optimizer step. */
    static void learningRate(Path file, double[] steps, double[] lr) throws IOException {
        // XChart treats axis values closer than 1e-4 as "equally spaced" and then labels every data value, so
        // the rate is drawn in units of a power of ten that brings it into [1, 10).
        double max = max(lr, null);
        int exp = max > 0 ? (int) Math.floor(Math.log10(max)) : 0;
        double unit = Math.pow(10, exp);
        // Equally spaced x values (steps 1..N) make XChart label every data point; one extra point half a step
        // after the last (same rate) keeps its ordinary tick spacing.
        double[] scaled = new double[lr.length + 1];
        double[] xs = java.util.Arrays.copyOf(steps, steps.length + 1);
        for (int i = 0; i < lr.length; i++) {
            scaled[i] = lr[i] / unit;
        }
        scaled[lr.length] = lr.length > 0 ? scaled[lr.length - 1] : 0;
        xs[steps.length] = steps.length > 0 ? steps[steps.length - 1] + 0.5 : 0;
        XYChart c = chart("Learning rate per step (the schedule actually used)", "optimizer step",
                exp == 0 ? "learning rate" : "learning rate (× 1e" + exp + ")");
        XYSeries s = addSeries(c, "learning rate", xs, scaled, new Color(148, 103, 189));
        s.setMarker(SeriesMarkers.NONE);
        c.getStyler().setLegendVisible(false);
        c.getStyler().setXAxisDecimalPattern("0");
        if (lr.length > 0 && max(lr, null) == -max(neg(lr), null)) {
            c.getStyler().setYAxisMin(0.0);
            c.getStyler().setYAxisMax(scaled[0] * 1.2);
        }
        write(file, c);
    }

    private static double[] neg(double[] a) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = -a[i];
        }
        return r;
    }

    /** Loss against learning rate (log x axis) with the suggested rate marked. */
    static void lrFind(Path file, double[] lr, double[] loss, double[] smoothed, double suggested) throws IOException {
        XYChart c = chart("Learning-rate range test" + (suggested > 0 ? String.format(" — suggested lr %.2g", suggested) : ""),
                "learning rate (log scale)", "training loss");
        c.getStyler().setXAxisLogarithmic(true);
        XYSeries raw = addSeries(c, "loss", lr, loss, new Color(180, 180, 180));
        raw.setMarker(SeriesMarkers.NONE);
        XYSeries sm = addSeries(c, "smoothed loss", lr, smoothed, new Color(31, 119, 180));
        sm.setMarker(SeriesMarkers.NONE);
        if (suggested > 0) {
            c.addAnnotation(new AnnotationLine(suggested, true, false));
            c.getStyler().setAnnotationLineColor(new Color(214, 39, 40));
        }
        c.getStyler().setXAxisDecimalPattern("0.0E0");
        // Spikes after divergence would flatten the interesting part: show up to 1.5 × the starting loss.
        if (smoothed.length > 0 && Double.isFinite(smoothed[0])) {
            c.getStyler().setYAxisMin(0.0);
            c.getStyler().setYAxisMax(Math.min(max(loss, smoothed), 1.5 * smoothed[0]));
        }
        write(file, c);
    }

    private static XYChart chart(String title, String x, String y) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x).yAxisTitle(y).build();
        XYStyler s = c.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotGridLinesColor(new Color(225, 225, 225));
        s.setLegendPosition(Styler.LegendPosition.InsideNE);
        s.setLegendBorderColor(new Color(200, 200, 200));
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        s.setAntiAlias(true);
        c.getStyler().setMarkerSize(6);
        return c;
    }

    private static XYSeries addSeries(XYChart c, String name, double[] x, double[] y, Color color) {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if (Double.isFinite(y[i]) && Double.isFinite(x[i])) {
                xs.add(x[i]);
                ys.add(y[i]);
            }
        }
        if (xs.isEmpty()) {
            xs.add(0.0);
            ys.add(0.0);
        }
        XYSeries s = c.addSeries(name, xs, ys);
        s.setLineColor(color);
        s.setMarkerColor(color);
        s.setLineWidth(2f);
        if (xs.size() > 60) {
            s.setMarker(SeriesMarkers.NONE);
        } else {
            s.setMarker(SeriesMarkers.CIRCLE);
        }
        return s;
    }

    private static boolean hasFinite(double[] v) {
        for (double d : v) {
            if (Double.isFinite(d)) {
                return true;
            }
        }
        return false;
    }

    private static double max(double[] a, double[] b) {
        double m = Double.NEGATIVE_INFINITY;
        for (double[] arr : new double[][] {a, b}) {
            if (arr != null) {
                for (double d : arr) {
                    if (Double.isFinite(d)) {
                        m = Math.max(m, d);
                    }
                }
            }
        }
        return Double.isFinite(m) ? m : 1;
    }

    private static void write(Path file, XYChart c) throws IOException {
        AtomicFiles.write(file, BitmapEncoder.getBitmapBytes(c, BitmapEncoder.BitmapFormat.PNG));
    }
}
