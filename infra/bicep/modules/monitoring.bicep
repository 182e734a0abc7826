// Log Analytics workspace and workspace-based Application Insights with local (instrumentation key) auth off:
// telemetry is accepted only from Entra ID identities holding Monitoring Metrics Publisher.

@description('Region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Log Analytics workspace name.')
param logAnalyticsName string

@description('Application Insights component name.')
param applicationInsightsName string

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
    features: {
      disableLocalAuth: true
    }
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    DisableLocalAuth: true
  }
}

@description('Application Insights name.')
output applicationInsightsName string = applicationInsights.name

@description('Application Insights connection string (holds no secret once local auth is off).')
output connectionString string = applicationInsights.properties.ConnectionString
