#!/usr/bin/env bash
# Example: explain an ImageNet-style folder on S3 with a timm ViT-B/16 on a GPU cluster.
set -euo pipefail
spark-submit \
  --master spark://master:7077 \
  --properties-file conf/spark-gpu.conf \
  --conf spark.hadoop.fs.s3a.endpoint.region=eu-west-1 \
  --class dev.tokentm.job.cli.TokenTmCommand \
  spark-job/target/tokentm-spark-job.jar \
  explain \
  --input s3a://my-bucket/imagenet/val/ \
  --model s3a://my-bucket/models/vit_base_patch16_224.safetensors \
  --class-names synsets.txt  `# one folder name per line, in the model's class order` \
  --methods tokentm,rollout,gae,transformer-attribution \
  --targets predicted,label \
  --batch-size 32 \
  --output s3a://my-bucket/audits/vit-b16-val/
