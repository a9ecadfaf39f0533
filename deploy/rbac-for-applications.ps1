<#
.SYNOPSIS
  Grants Concord's Entra app Exchange Online mail and calendar access to the named mailboxes only,
  with RBAC for Applications, and checks each mailbox.

.DESCRIPTION
  Reads Concord's directory file and takes every mailbox Concord works in: each person of a
  host-tenant organisation (the managers who send, the conveners) and each host organisation's
  shared mailbox. Then, in Exchange Online PowerShell:
    1. a mail-enabled security group holding exactly those mailboxes (created, or brought up to date);
    2. a management scope on membership of that group;
    3. the app's Exchange service principal (if it is not there yet);
    4. the role assignments "Application Mail.ReadWrite", "Application Mail.Send" and
       "Application Calendars.ReadWrite" for the app, limited to that scope;
    5. Test-ServicePrincipalAuthorization for every mailbox, printed as a table.
  Run it again after the directory file changes: it adds and removes group members and leaves the
  rest as it is.

  Grant no Entra (tenant-wide) Mail.ReadWrite, Mail.Send or Calendars.ReadWrite to the app as well:
  an unscoped Entra grant lets the app into every mailbox whatever this scope says. The two Entra
  permissions Concord does need, with admin consent, are User.Read.All and
  TeamsAppInstallation.ReadWriteSelfForUser.All.

  RBAC for Applications changes take time to apply: Microsoft caches them, typically for 30 minutes
  and up to 2 hours. Until then Test-ServicePrincipalAuthorization may still say "False" and Graph
  answers 403 ErrorAccessDenied; Concord treats a 403 in a mailbox's first 2 hours as retry-later,
  never parked. Run the script with -TestOnly later to check again.

.PARAMETER DirectoryFile
  Concord's directory file (the same file as DIRECTORY_FILE).

.PARAMETER AppId
  The Entra app's application (client) id: BOT_ID.

.PARAMETER ServicePrincipalObjectId
  The object id of the app's service principal in Entra (Enterprise applications), needed only the
  first time, to create the Exchange service principal.

.PARAMETER Name
  The name of the group and of the management scope. Default "Concord mailboxes".

.PARAMETER TestOnly
  Only run Test-ServicePrincipalAuthorization for each mailbox; change nothing.

.EXAMPLE
  Connect-ExchangeOnline
  ./deploy/rbac-for-applications.ps1 -DirectoryFile ./directory/council.json -AppId $env:BOT_ID -ServicePrincipalObjectId 00000000-0000-0000-0000-000000000000
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
  [Parameter(Mandatory = $true)] [string] $DirectoryFile,
  [Parameter(Mandatory = $true)] [string] $AppId,
  [string] $ServicePrincipalObjectId,
  [string] $Name = 'Concord mailboxes',
  [switch] $TestOnly
)

$ErrorActionPreference = 'Stop'
$Roles = @('Application Mail.ReadWrite', 'Application Mail.Send', 'Application Calendars.ReadWrite')

# The mailboxes Concord works in, as src/directory/directory-service.ts watchedMailboxes() names them.
$directory = Get-Content -Raw -Path $DirectoryFile | ConvertFrom-Json
$hostOrgs = @($directory.organisations | Where-Object { $_.tenant -eq 'host' })
$hostOrgIds = @($hostOrgs | ForEach-Object { $_.id })
$mailboxes = @(
  @($directory.people | Where-Object { $hostOrgIds -contains $_.organisation } | ForEach-Object { $_.email }) +
  @($hostOrgs | Where-Object { $_.sharedMailbox } | ForEach-Object { $_.sharedMailbox })
) | ForEach-Object { $_.ToLowerInvariant() } | Sort-Object -Unique
if ($mailboxes.Count -eq 0) { throw "No host-tenant mailboxes in $DirectoryFile" }
Write-Host "$($mailboxes.Count) mailbox(es) from ${DirectoryFile}: $($mailboxes -join ', ')"

if (-not $TestOnly) {
  # 1. The group: exactly the directory's mailboxes.
  $group = Get-DistributionGroup -Identity $Name -ErrorAction SilentlyContinue
  if (-not $group) {
    if ($PSCmdlet.ShouldProcess($Name, 'New-DistributionGroup -Type Security')) {
      $group = New-DistributionGroup -Name $Name -Type Security -Notes 'Concord: mailboxes its Entra app may use (RBAC for Applications scope)'
    }
  }
  $current = @(Get-DistributionGroupMember -Identity $Name -ResultSize Unlimited | ForEach-Object { $_.PrimarySmtpAddress.ToString().ToLowerInvariant() })
  foreach ($address in $mailboxes | Where-Object { $current -notcontains $_ }) {
    if ($PSCmdlet.ShouldProcess($address, "Add to $Name")) {
      Add-DistributionGroupMember -Identity $Name -Member $address -BypassSecurityGroupManagerCheck
    }
  }
  foreach ($address in $current | Where-Object { $mailboxes -notcontains $_ }) {
    if ($PSCmdlet.ShouldProcess($address, "Remove from $Name")) {
      Remove-DistributionGroupMember -Identity $Name -Member $address -BypassSecurityGroupManagerCheck -Confirm:$false
    }
  }

  # 2. The management scope on membership of that group.
  $dn = (Get-DistributionGroup -Identity $Name).DistinguishedName
  if (-not (Get-ManagementScope -Identity $Name -ErrorAction SilentlyContinue)) {
    if ($PSCmdlet.ShouldProcess($Name, 'New-ManagementScope')) {
      New-ManagementScope -Name $Name -RecipientRestrictionFilter "MemberOfGroup -eq '$dn'" | Out-Null
    }
  }

  # 3. The Exchange service principal for the Entra app.
  if (-not (Get-ServicePrincipal -Identity $AppId -ErrorAction SilentlyContinue)) {
    if (-not $ServicePrincipalObjectId) { throw 'The app has no Exchange service principal yet: pass -ServicePrincipalObjectId (Entra, Enterprise applications, Object ID).' }
    if ($PSCmdlet.ShouldProcess($AppId, 'New-ServicePrincipal')) {
      New-ServicePrincipal -AppId $AppId -ObjectId $ServicePrincipalObjectId -DisplayName 'Concord' | Out-Null
    }
  }

  # 4. The three roles, limited to the scope.
  $assigned = @(Get-ManagementRoleAssignment -RoleAssignee $AppId -ErrorAction SilentlyContinue)
  foreach ($role in $Roles) {
    $existing = $assigned | Where-Object { $_.Role -eq $role -and $_.CustomResourceScope -eq $Name }
    if (-not $existing -and $PSCmdlet.ShouldProcess($role, "New-ManagementRoleAssignment scoped to $Name")) {
      New-ManagementRoleAssignment -App $AppId -Role $role -CustomResourceScope $Name | Out-Null
    }
  }
  Write-Warning 'RBAC for Applications changes take time to apply (typically 30 minutes, up to 2 hours). Concord retries a fresh 403 meanwhile; run this script with -TestOnly later to check.'
}

# 5. Check every mailbox.
$results = foreach ($address in $mailboxes) {
  $test = @(Test-ServicePrincipalAuthorization -Identity $AppId -Resource $address)
  foreach ($role in $Roles) {
    $row = $test | Where-Object { $_.RoleName -eq $role } | Select-Object -First 1
    [pscustomobject]@{ Mailbox = $address; Role = $role; InScope = [bool]($row -and $row.InScope) }
  }
}
$results | Format-Table -AutoSize
$missing = @($results | Where-Object { -not $_.InScope })
if ($missing.Count -gt 0) {
  Write-Warning "$($missing.Count) mailbox/role pair(s) not in scope yet. If you just made the assignments, wait and run again with -TestOnly."
  exit 1
}
