#!/usr/bin/env bash
# Installs the Jupyter kernel the notebooks use: a Java (JShell) kernel from Maven Central
# (io.github.padreati:rapaio-jupyter-kernel), started with the JVM options the project's classes need.
# Needs Jupyter (Debian: apt-get install jupyter-client jupyter-nbconvert python3-nbconvert) and a built job jar.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version=2.3.0
kernel_dir="$root/spark-job/target/notebook-kernel"
jars="$root/spark-job/target/notebook-jars"
if [[ ! -f "$root/spark-job/target/tokentm-spark-job.jar" || ! -f "$root/spark-job/target/local-classpath.txt" ]]; then
  (cd "$root" && mvn -B -q -ntp -DskipTests package)
fi
mkdir -p "$kernel_dir"
(cd "$root" && mvn -B -q -ntp dependency:copy -Dartifact="io.github.padreati:rapaio-jupyter-kernel:$version" \
  -DoutputDirectory="$kernel_dir" -Dmdep.stripVersion=true)
# The notebooks add this folder to their classpath: the job jar and Spark's own jars.
rm -rf "$jars" && mkdir -p "$jars"
ln -s "$root/spark-job/target/tokentm-spark-job.jar" "$jars/"
tr ':' '\n' < "$root/spark-job/target/local-classpath.txt" | while read -r jar || [[ -n "$jar" ]]; do ln -sf "$jar" "$jars/"; done
opens=$(sed -n 's:.*<tokentm.jvm.opens>\(.*\)</tokentm.jvm.opens>.*:\1:p' "$root/pom.xml")
spec="$kernel_dir/spec"
mkdir -p "$spec"
python3 - "$spec/kernel.json" "$kernel_dir/rapaio-jupyter-kernel.jar" "$root" "$jars" $opens <<'PY'
import json, sys
target, jar, root, jars, opens = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
# The project's and Spark's jars go on the kernel JVM's own classpath (the notebooks' %jar then only
# tells the compiler about them): Spark's code generator cannot compile against JShell's class loader.
argv = ["java", *opens, "-Xmx6g", "-Dai.djl.offline=true",
        f"-Dlog4j2.configurationFile={root}/conf/log4j2-local.properties", f"-Dtokentm.repo.dir={root}",
        "-cp", f"{jar}:{jars}/*", "org.rapaio.jupyter.kernel.MainApp", "{connection_file}"]
json.dump({"argv": argv, "display_name": "Java (tokentm)", "language": "java",
           "interrupt_mode": "message", "env": {"RJK_TIMEOUT_MILLIS": "-1"}}, open(target, "w"), indent=1)
PY
jupyter kernelspec install --user --replace --name tokentm-java "$spec" >/dev/null
echo "installed Jupyter kernel 'tokentm-java' ($(jupyter kernelspec list | grep tokentm-java | awk '{print $2}'))"
