package dev.tokentm.job.report;

import static dev.tokentm.job.report.HtmlPage.cell;
import static dev.tokentm.job.report.HtmlPage.esc;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Per class: images, the model's accuracy, each method's mIoU and the audited method's relevance outside. */
final class ClassSection {

    private ClassSection() {}

    static void write(HtmlPage page, RunResults run) {
        page.line("<h2 id=\"classes\">Per class (" + esc(run.target()) + " class)</h2>");
        page.line("<table id=\"class-table\">");
        StringBuilder header = new StringBuilder("<tr><th>class</th><th>images</th><th>model accuracy</th>");
        for (String m : run.methods()) {
            header.append("<th>").append(esc(m)).append(" mIoU</th>");
        }
        header.append("<th>").append(esc(run.auditMethod())).append(" relevance outside</th></tr>");
        page.line(header.toString());
        Map<Integer, List<RunResults.ClassRow>> byClass = new TreeMap<>();
        for (RunResults.ClassRow c : run.perClass()) {
            byClass.computeIfAbsent(c.label(), k -> new ArrayList<>()).add(c);
        }
        for (var entry : byClass.entrySet()) {
            RunResults.ClassRow first = entry.getValue().get(0);
            StringBuilder row = new StringBuilder("<tr><td class=\"name\">" + esc(run.className(entry.getKey()))
                    + "</td><td>" + first.images() + "</td>" + cell(first.accuracy()));
            double outside = Double.NaN;
            for (String m : run.methods()) {
                double miou = Double.NaN;
                for (RunResults.ClassRow c : entry.getValue()) {
                    if (c.method().equals(m)) {
                        miou = c.miou();
                    }
                    if (c.method().equals(run.auditMethod())) {
                        outside = c.relevanceOutside();
                    }
                }
                row.append(cell(miou));
            }
            row.append(cell(outside)).append("</tr>");
            page.line(row.toString());
        }
        page.line("</table>");
    }
}
