package dev.switchboard.tmp;

public final class Tmp {
    private static final long[] MARKS = new long[10];

    private Tmp() {
    }

    public static void mark(int i) {
        if (MARKS[i] == 0 || i == 0) {
            MARKS[i] = System.nanoTime();
        }
    }

    public static void dump() {
        StringBuilder b = new StringBuilder("TMP");
        for (int i = 1; i < MARKS.length; i++) {
            b.append(' ').append(MARKS[i] == 0 ? -1 : (MARKS[i] - MARKS[0]) / 1000);
        }
        System.err.println(b);
        java.util.Arrays.fill(MARKS, 0);
    }
}
