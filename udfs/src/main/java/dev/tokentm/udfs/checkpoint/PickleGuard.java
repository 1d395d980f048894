package dev.tokentm.udfs.checkpoint;

import java.util.List;
import java.util.Locale;

/**
 * Refuses PyTorch pickle checkpoints ({@code torch.save}: a zip archive holding a pickle, or a
 * bare pickle). Unpickling runs arbitrary code from the file, so this tool only reads
 * safetensors, which holds tensors and nothing else.
 */
final class PickleGuard {

    private static final String[] PICKLE_SUFFIXES = {".pt", ".pth", ".bin", ".pkl", ".pickle", ".ckpt", ".tar"};

    /** The pickle files the hubs put in a model folder (transformers, timm, OpenCLIP) beside or instead of safetensors. */
    static final List<String> HUB_PICKLE_FILES =
            List.of("pytorch_model.bin", "model.pth", "model.pt", "open_clip_pytorch_model.bin");

    private PickleGuard() {}

    /** Refuses a location by its extension, before reading it. */
    static void refuseIfPickleName(String location) {
        String lower = location.toLowerCase(Locale.ROOT);
        for (String suffix : PICKLE_SUFFIXES) {
            if (lower.endsWith(suffix)) {
                throw refusal(location);
            }
        }
    }

    /** Refuses a file by its first bytes: a zip archive ("PK") or a pickle protocol marker (0x80). */
    static void refuseIfPickle(byte[] bytes, String name) {
        boolean zip = bytes.length >= 4 && bytes[0] == 'P' && bytes[1] == 'K' && bytes[2] == 3 && bytes[3] == 4;
        boolean pickle = bytes.length >= 2 && (bytes[0] & 0xff) == 0x80 && bytes[1] >= 2 && bytes[1] <= 5;
        if (zip || pickle) {
            throw refusal(name);
        }
    }

    static CheckpointException refusal(String name) {
        return new CheckpointException(name + " looks like a PyTorch pickle checkpoint (torch.save). It is refused: "
                + "loading a pickle can run arbitrary code hidden in the file. Convert it once to safetensors, "
                + "where you trust it, for example:\n"
                + "  python -c \"import torch; from safetensors.torch import save_file; "
                + "sd = torch.load('model.pth', map_location='cpu', weights_only=True); "
                + "sd = sd.get('model', sd); "
                + "save_file({k: v.contiguous() for k, v in sd.items()}, 'model.safetensors')\"\n"
                + "(timm models: timm.create_model(name, pretrained=True) then save_file(model.state_dict(), ...); "
                + "Hugging Face: model.save_pretrained(dir, safe_serialization=True)).");
    }
}
