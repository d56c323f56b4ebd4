package dev.textgen.api.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * "Did you mean" for misspelt field and type names: the closest candidate by edit distance. Config errors use
 * it, and so do the command line and the server for their own field names.
 */
public final class Suggestions {
    private Suggestions() {
    }

    /**
     * {@code "; did you mean \"x\"?"} naming the closest candidate (all equally close ones, joined by
     * "or"), or the empty string when none is close enough.
     *
     * @param given      the name as the user wrote it
     * @param candidates the names that are allowed there
     * @return the suggestion, starting with {@code "; "}, or {@code ""}
     */
    public static String didYouMean(String given, Collection<String> candidates) {
        List<String> best = new ArrayList<>();
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = distance(given.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best.clear();
            }
            if (d == bestDistance) {
                best.add(candidate);
            }
        }
        int tolerance = Math.max(2, given.length() / 3);
        if (best.isEmpty() || bestDistance > tolerance || best.contains(given)) {
            return "";
        }
        return "; did you mean \"" + String.join("\" or \"", best) + "\"?";
    }

    /** Damerau-Levenshtein distance with adjacent transpositions, the usual typo model. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
