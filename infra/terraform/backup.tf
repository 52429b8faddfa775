# AWS Backup plan that implements the contract's retention policy (seed 2.15-05) for the
# database and the media bucket, on top of RDS point-in-time recovery:
#   daily    Monday to Friday                           kept  6 days
#   weekly   Sundays except the first of the month      kept 15 days
#   monthly  first Sunday of the month                  kept 30 days
# No backup on Saturdays, exactly as the contract reads (PITR still covers Saturday).
# Production sets backup_off_site_vault_arn (another region or account) for the off-site copy.
# Times are UTC: 05:00 UTC is 02:00 in Brasília, at night as seed 2.15-04 prefers.

resource "aws_backup_vault" "main" {
  name        = local.name
  kms_key_arn = aws_kms_key.main.arn
}

locals {
  copy_off_site = var.backup_off_site_vault_arn != ""

  backup_rules = merge(
    { daily = { schedule = "cron(0 5 ? * MON-FRI *)", retention_days = 6 } },
    # AWS cron has no "every Sunday but the first": one rule per week of the month.
    { for n in [2, 3, 4, 5] : "weekly-sunday-${n}" => { schedule = "cron(0 5 ? * SUN#${n} *)", retention_days = 15 } },
    { monthly = { schedule = "cron(0 5 ? * SUN#1 *)", retention_days = 30 } },
  )
}

resource "aws_backup_plan" "main" {
  name = local.name

  dynamic "rule" {
    for_each = local.backup_rules
    content {
      rule_name         = rule.key
      target_vault_name = aws_backup_vault.main.name
      schedule          = rule.value.schedule
      start_window      = 60
      completion_window = 360

      lifecycle {
        delete_after = rule.value.retention_days
      }

      dynamic "copy_action" {
        for_each = local.copy_off_site ? [1] : []
        content {
          destination_vault_arn = var.backup_off_site_vault_arn
          lifecycle {
            delete_after = rule.value.retention_days
          }
        }
      }
    }
  }
}

resource "aws_iam_role" "backup" {
  name = "${local.name}-backup"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "backup.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy_attachment" "backup" {
  for_each = toset([
    "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
    "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
    "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
  ])
  role       = aws_iam_role.backup.name
  policy_arn = each.value
}

resource "aws_backup_selection" "main" {
  name         = local.name
  plan_id      = aws_backup_plan.main.id
  iam_role_arn = aws_iam_role.backup.arn
  # The backups bucket holds the per-utility archives (`tenant_backup`): in the plan, they get the
  # off-site copy too. Retention and the restore runbooks: docs/operations.md.
  resources = [
    aws_db_instance.main.arn,
    aws_s3_bucket.media.arn,
    aws_s3_bucket.backups.arn,
  ]
}
