package dev.tokentm.udfs.spark;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * The device a task runs on: the GPU Spark assigned it through resource scheduling
 * ({@code spark.task.resource.gpu.amount}), else the CPU.
 */
public final class TaskDevices {

    private TaskDevices() {}

    public static Device forTask(TaskContext task) {
        if (task == null) {
            return Device.cpu();
        }
        Map<String, ResourceInformation> resources = task.resourcesJMap();
        ResourceInformation gpus = resources == null ? null : resources.get("gpu");
        if (gpus == null || gpus.addresses().length == 0) {
            return Device.cpu();
        }
        return gpu(gpus.addresses()[0], Engine.getEngine("PyTorch").getGpuCount());
    }

    /** The DJL device for a Spark GPU address, checked against the GPUs PyTorch sees. */
    static Device gpu(String address, int visible) {
        int index;
        try {
            index = Integer.parseInt(address.trim());
        } catch (NumberFormatException e) {
            throw new IllegalStateException("Spark assigned GPU address '" + address
                    + "', which is not a device index; the GPU discovery script must print indices");
        }
        if (index >= visible) {
            throw new IllegalStateException("Spark assigned GPU " + index + " but PyTorch sees " + visible
                    + " GPU(s); a CPU build of the job jar cannot use GPUs (build with -Pgpu)");
        }
        return Device.gpu(index);
    }
}
