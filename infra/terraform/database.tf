# PostgreSQL: a Multi-AZ primary (synchronous standby in the other zone, automatic failover in
# one to two minutes, inside the 30-minute restore limit of seed 2.1-06) with point-in-time
# recovery, plus an asynchronous read replica for reports.

resource "aws_db_subnet_group" "main" {
  name       = local.name
  subnet_ids = aws_subnet.private[*].id
}

resource "aws_security_group" "db" {
  name        = "${local.name}-db"
  description = "PostgreSQL from the EKS cluster only"
  vpc_id      = aws_vpc.main.id

  ingress {
    description     = "PostgreSQL from pods and nodes"
    from_port       = 5432
    to_port         = 5432
    protocol        = "tcp"
    security_groups = [aws_eks_cluster.main.vpc_config[0].cluster_security_group_id]
  }
}

resource "aws_db_parameter_group" "main" {
  name   = "${local.name}-pg16"
  family = "postgres16"

  # TLS on every connection (seed 2.5-06).
  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  # Log every statement slower than 1 s for review (seed 2.5-02).
  parameter {
    name  = "log_min_duration_statement"
    value = "1000"
  }

  parameter {
    name         = "shared_preload_libraries"
    value        = "pg_stat_statements"
    apply_method = "pending-reboot"
  }
}

resource "aws_db_instance" "main" {
  identifier     = "${local.name}-pg"
  engine         = "postgres"
  engine_version = var.db_engine_version
  instance_class = var.db_instance_class

  db_name  = "manancial"
  username = "manancial_admin"
  # The master password lives in Secrets Manager, rotated by RDS; it never enters the state.
  manage_master_user_password   = true
  master_user_secret_kms_key_id = aws_kms_key.main.key_id

  allocated_storage     = var.db_allocated_storage
  max_allocated_storage = var.db_max_allocated_storage
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = aws_kms_key.main.arn

  multi_az               = true
  db_subnet_group_name   = aws_db_subnet_group.main.name
  vpc_security_group_ids = [aws_security_group.db.id]
  parameter_group_name   = aws_db_parameter_group.main.name
  publicly_accessible    = false

  # Automated backups + WAL archiving = point-in-time restore to any second of the window.
  backup_retention_period  = var.db_backup_retention_days
  backup_window            = "05:00-06:00"
  maintenance_window       = "sun:06:30-sun:07:30"
  copy_tags_to_snapshot    = true
  delete_automated_backups = false

  deletion_protection       = true
  skip_final_snapshot       = false
  final_snapshot_identifier = "${local.name}-pg-final"

  auto_minor_version_upgrade            = true
  performance_insights_enabled          = true
  performance_insights_kms_key_id       = aws_kms_key.main.arn
  performance_insights_retention_period = 7
  enabled_cloudwatch_logs_exports       = ["postgresql"]
}

# Reports and the BI layer read here, off the primary (seed 2.5-01, 2.6-02).
resource "aws_db_instance" "reports" {
  identifier          = "${local.name}-pg-reports"
  replicate_source_db = aws_db_instance.main.identifier
  instance_class      = var.db_instance_class

  storage_encrypted      = true
  kms_key_id             = aws_kms_key.main.arn
  vpc_security_group_ids = [aws_security_group.db.id]
  parameter_group_name   = aws_db_parameter_group.main.name
  publicly_accessible    = false

  backup_retention_period    = 0
  deletion_protection        = true
  skip_final_snapshot        = true
  auto_minor_version_upgrade = true
}
