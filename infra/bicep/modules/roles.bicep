// Data-plane role assignments for the app's identity (and optionally a developer): blob owner (host locks,
// deployment package, large values), queue and table contributor (Durable Functions task hub, definitions table),
// and Monitoring Metrics Publisher (telemetry with local auth off).

@description('Storage account name.')
param storageAccountName string

@description('Application Insights name.')
param applicationInsightsName string

@description('Principal id of the app identity.')
param appPrincipalId string

@description('Principal id of a developer user or group; empty for none.')
param developerPrincipalId string

var storageRoles = {
  blobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  queueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  tableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
}
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

var principals = empty(developerPrincipalId)
  ? [
      {
        id: appPrincipalId
        type: 'ServicePrincipal'
      }
    ]
  : [
      {
        id: appPrincipalId
        type: 'ServicePrincipal'
      }
      {
        id: developerPrincipalId
        type: 'User'
      }
    ]

var storageAssignments = flatten(map(principals, p => map(items(storageRoles), r => {
  principalId: p.id
  principalType: p.type
  roleId: r.value
})))

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource storageRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for a in storageAssignments: {
    name: guid(account.id, a.principalId, a.roleId)
    scope: account
    properties: {
      principalId: a.principalId
      principalType: a.principalType
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', a.roleId)
    }
  }
]

resource telemetryRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for p in principals: {
    name: guid(applicationInsights.id, p.id, monitoringMetricsPublisher)
    scope: applicationInsights
    properties: {
      principalId: p.id
      principalType: p.type
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
    }
  }
]
