output "vpc_id" {
  description = "VPC id."
  value       = aws_vpc.main.id
}

output "private_subnet_ids" {
  description = "Private subnets, one per availability zone."
  value       = aws_subnet.private[*].id
}

output "eks_cluster_name" {
  description = "EKS cluster name (aws eks update-kubeconfig --name ...)."
  value       = aws_eks_cluster.main.name
}

output "eks_cluster_endpoint" {
  description = "Kubernetes API endpoint."
  value       = aws_eks_cluster.main.endpoint
}

output "db_address" {
  description = "PostgreSQL primary endpoint (host of DATABASE_URL; follows a Multi-AZ failover)."
  value       = aws_db_instance.main.address
}

output "db_reports_address" {
  description = "Read replica for reports."
  value       = aws_db_instance.reports.address
}

output "db_master_secret_arn" {
  description = "Secrets Manager secret holding the master password."
  value       = aws_db_instance.main.master_user_secret[0].secret_arn
}

output "broker_endpoint" {
  description = "AMQPS endpoint of the RabbitMQ cluster (host of BROKER_URL)."
  value       = aws_mq_broker.main.instances[0].endpoints[0]
}

output "broker_secret_arn" {
  description = "Secrets Manager secret with the broker credentials."
  value       = aws_secretsmanager_secret.mq.arn
}

output "redis_endpoint" {
  description = "Redis primary endpoint (host of REDIS_URL, rediss://)."
  value       = aws_elasticache_replication_group.main.primary_endpoint_address
}

output "media_bucket" {
  description = "Bucket of tenant files."
  value       = aws_s3_bucket.media.bucket
}

output "backups_bucket" {
  description = "Bucket of logical per-tenant backups."
  value       = aws_s3_bucket.backups.bucket
}

output "app_role_arn" {
  description = "IAM role of the application's service account (EKS Pod Identity)."
  value       = aws_iam_role.app.arn
}

output "backup_vault_name" {
  description = "AWS Backup vault holding the contract's daily/weekly/monthly sets."
  value       = aws_backup_vault.main.name
}
