locals {
  name = "${var.project}-${var.environment}"
  azs  = var.availability_zones

  # One public and one private /20 per zone.
  public_subnet_cidrs  = [for i, _ in local.azs : cidrsubnet(var.vpc_cidr, 4, i)]
  private_subnet_cidrs = [for i, _ in local.azs : cidrsubnet(var.vpc_cidr, 4, i + 8)]
}

data "aws_caller_identity" "current" {}

# One key for everything at rest: database, backups, buckets, broker logs, Kubernetes secrets
# (seed 2.1-12, 2.5-06).
resource "aws_kms_key" "main" {
  description             = "${local.name} data at rest"
  enable_key_rotation     = true
  deletion_window_in_days = 30
}

resource "aws_kms_alias" "main" {
  name          = "alias/${local.name}"
  target_key_id = aws_kms_key.main.key_id
}
